from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from guide import account, views
from guide.forms import SignInForm, StaffSignInForm


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools that ask for /favicon.ico without reading the page's <link>."""
    return redirect(static("images/favicon.ico"), permanent=True)


admin.site.login_form = StaffSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("help/", views.help_page, name="help"),
    path("leave/", account.clear_site_data(views.leave_quickly), name="leave_quickly"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signed-out/", views.signed_out, name="signed_out"),
    path("journey/", views.open_journey, {"page": "journeys:journey"}, name="open_journey"),
    path("check-ins/", views.open_journey, {"page": "journeys:check_ins"}, name="open_check_ins"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        account.clear_site_data(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path(
        "accounts/password_change/",
        account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        account.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", account.account, name="account"),
    path("account/export.json", account.account_export_json, name="account_export_json"),
    path("account/export.md", account.account_export_md, name="account_export_md"),
    path("account/summary/", account.account_summary, name="account_summary"),
    path(
        "account/summary/questions/",
        account.account_summary_questions,
        name="account_summary_questions",
    ),
    path("account/delete/", account.account_delete, name="account_delete"),
    path(
        "account/sign-out-everywhere/",
        account.sign_out_everywhere,
        name="account_sign_out_everywhere",
    ),
    path("privacy/", views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    path("", include("journeys.urls")),
]

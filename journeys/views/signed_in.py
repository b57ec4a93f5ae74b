from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect, reswap
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page_or_part(request: HtmxHttpRequest, template: str, part: str, ctx: dict):
    """The whole page, or for htmx only the partial `part` it swaps; a
    history restore wants the whole page back."""
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, f"{template}#{part}", ctx)
    else:
        response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


def signed_in(
    signed_out_partial: str | None = None,
    signed_out_page: Callable[[HttpRequest], HttpResponse] | None = None,
) -> Callable:
    """`login_required` that never swaps the sign-in page into a fragment.

    htmx follows redirects inside its request, so a plain redirect would put
    the whole sign-in page where a list or a form was. A signed-out htmx GET
    loads the sign-in page instead; a signed-out htmx POST answers 401 with
    `signed_out_partial` (out-of-band content) and swaps nothing else, so what
    the person typed stays in the box. Without htmx, a signed-out POST gets
    `signed_out_page(request)` when given, which gives back what was typed.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            if not getattr(request, "htmx", False):
                if signed_out_page and request.method == "POST":
                    return signed_out_page(request)
                return redirect_to_login(request.get_full_path())
            login_url = resolve_url(settings.LOGIN_URL)
            if signed_out_partial and request.method == "POST":
                ctx = {"login_url": login_url}
                return reswap(render(request, signed_out_partial, ctx, status=401), "none")
            try:
                next_url = request.htmx.current_url_abs_path or request.get_full_path()
            except ValueError:  # an HX-Current-URL that is not an address
                raise BadRequest("Unreadable HX-Current-URL header.") from None
            return HttpResponseClientRedirect(redirect_to_login(next_url, login_url)["Location"])

        return wrapper

    return decorator

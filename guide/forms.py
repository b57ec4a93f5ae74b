import zoneinfo

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from journeys.models import Role


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_(
            "Only used if you forget your password. Leave it empty if you would rather not give it."
        ),
    )
    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=Role,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("This chooses which questions you see. You can change it later."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]
        help_texts = {
            "username": _("A first name or a made-up name is fine. Letters, digits and @ . + - _"),
        }


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")
    return [(zone, zone.replace("_", " ")) for zone in zones]


class AccountForm(forms.ModelForm):
    """My details, my role and my time zone, changed on one page."""

    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=Role,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("This chooses which questions you see."),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=time_zone_choices,
        help_text=_("Dates and times are shown in this zone."),
    )

    class Meta:
        model = User
        fields = ["username", "email"]
        labels = {"email": _("Email address (optional)")}
        help_texts = {
            "username": _("A first name or a made-up name is fine. Letters, digits and @ . + - _"),
            "email": _("Only used if you forget your password."),
        }

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        taken = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("That name is taken. Please choose another."))
        return username


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        # Through authenticate(), so wrong guesses count towards the sign-in lockout.
        password = self.cleaned_data["password"]
        username = self.request.user.get_username()
        if authenticate(self.request, username=username, password=password) is None:
            raise forms.ValidationError(_("That is not your password."))
        return password

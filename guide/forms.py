import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guide.tasks import send_templated_email
from journeys.forms import ConfirmPasswordForm, checked_password, current_password_field
from journeys.models import Role

# The role's "rather not say" is stored as an empty role; the form gives it a
# value of its own so that it is a choice a person makes, never a default.
ROLE_NOT_SAID_ANSWER = "not-said"
SIGN_UP_ROLES = [
    (Role.RECOVERING.value, Role.RECOVERING.label),
    (Role.PARTNER.value, Role.PARTNER.label),
    (ROLE_NOT_SAID_ANSWER, Role.NOT_SAID.label),
]


def stored_username(typed: str) -> str:
    """The account name as stored, for a name typed in any mix of capitals.

    Names are unique whatever their case (sign-up and the account page refuse
    "ROBIN" when "Robin" exists), so one account at most matches; accounts
    made before that rule may differ only in case, and then the name has to
    be typed exactly.
    """
    names = list(User.objects.filter(username__iexact=typed).values_list("username", flat=True)[:2])
    return names[0] if len(names) == 1 else typed


FIRST_OF_TWO_BOXES = "password1"
USERNAME_HELP_TEXT = _("A first name or a made-up name is fine. Letters, digits and @ . + - _")


class UniqueUsernameMixin:
    """For a form that sets the username: refuses one taken in any mix of capitals."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        taken = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("That name is taken. Please choose another."), code="unique"
            )
        return username


class ProfileChoicesMixin:
    """For a form that asks for a role and a time zone: they are saved to the
    person's profile together with the person."""

    def save(self, commit: bool = True) -> User:
        with transaction.atomic():
            user = super().save(commit)
            if commit:
                user.profile.role = self.cleaned_data["role"]
                user.profile.time_zone = self.cleaned_data["time_zone"]
                user.profile.save(update_fields=["role", "time_zone"])
        return user


class SignUpForm(ProfileChoicesMixin, UniqueUsernameMixin, UserCreationForm):
    error_messages = {
        "password_mismatch": _(
            "The two passwords are not the same. Type the same one in both boxes."
        ),
    }
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Only used if you forget your password. Leave it empty if you would rather not give it."
        ),
        error_messages={
            "invalid": _("Enter an email address like name@example.com, or leave it empty.")
        },
    )
    role = forms.ChoiceField(
        label=_("Which describes you?"),
        choices=SIGN_UP_ROLES,
        widget=forms.RadioSelect,
        help_text=_(
            "Some questions are written for the person recovering and some for their partner; "
            "this chooses which you see. If you would rather not say, you see them all. "
            "You can change it later."
        ),
        error_messages={
            "required": _("Choose the answer that describes you, or “I would rather not say”.")
        },
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("So that times are shown as your clock shows them. You can change it later."),
        initial=settings.TIME_ZONE,
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]
        help_texts = {"username": USERNAME_HELP_TEXT}

    # The page's order, which the error summary follows.
    field_order = ["username", "role", "time_zone", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter a name to sign in with.")
        self.fields["password1"].error_messages["required"] = _("Enter a password.")
        self.fields["password1"].help_text = _(
            "At least 8 characters, not only numbers, not a password many people use, "
            "and not too like your name."
        )
        # Asked for only once a password is given (clean), so an empty form
        # says "Enter a password" once, not twice.
        self.fields["password2"].required = False
        self.fields["password2"].help_text = _("The same password again, to be sure it is right.")
        self.fields["time_zone"].choices = time_zone_choices(self.data.get("time_zone", ""))

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        return Role.NOT_SAID if role == ROLE_NOT_SAID_ANSWER else role

    def clean(self) -> dict:
        if self.cleaned_data.get("password1") and not self.cleaned_data.get("password2"):
            self.add_error("password2", _("Type your password again."))
        return super().clean()

    def validate_password_for_user(self, user, **kwargs) -> None:
        # A password too short or too common is the first box's problem.
        super().validate_password_for_user(user, password_field_name=FIRST_OF_TWO_BOXES)


class AnyCaseUsernameMixin:
    """For a sign-in form: the username typed in any mix of capitals."""

    def clean(self) -> dict:
        # Before authenticate(), so the lockout counts failures against the
        # account whatever capitals were typed.
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = stored_username(self.cleaned_data["username"])
        return super().clean()


class SignInForm(AnyCaseUsernameMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That username and password do not match an account. Check them and try again."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")


class StaffSignInForm(AnyCaseUsernameMixin, AdminAuthenticationForm):
    """The admin's sign-in form, for a username typed in any mix of capitals."""


# Cities people recognise, west to east, at least one for every way clocks
# are kept in the places most people live. A short list keeps the account
# page light and quick to scan on a phone; a zone set some other way (the
# site's default, or an earlier choice) is offered too.
COMMON_TIME_ZONES = {
    "Pacific/Honolulu": _("Honolulu"),
    "America/Anchorage": _("Anchorage"),
    "America/Los_Angeles": _("Los Angeles, San Francisco, Vancouver"),
    "America/Phoenix": _("Phoenix"),
    "America/Denver": _("Denver, Calgary"),
    "America/Mexico_City": _("Mexico City"),
    "America/Chicago": _("Chicago, Houston, Winnipeg"),
    "America/Bogota": _("Bogotá, Lima"),
    "America/New_York": _("New York, Toronto, Miami"),
    "America/Halifax": _("Halifax"),
    "America/St_Johns": _("St John's, Newfoundland"),
    "America/Santiago": _("Santiago"),
    "America/Sao_Paulo": _("São Paulo, Rio de Janeiro"),
    "America/Argentina/Buenos_Aires": _("Buenos Aires"),
    "Atlantic/Azores": _("Azores"),
    "UTC": _("Coordinated Universal Time (UTC)"),
    "Atlantic/Reykjavik": _("Reykjavík"),
    "Europe/London": _("London, Edinburgh, Cardiff, Belfast"),
    "Europe/Dublin": _("Dublin"),
    "Europe/Lisbon": _("Lisbon"),
    "Africa/Lagos": _("Lagos, Kinshasa"),
    "Europe/Paris": _("Paris, Brussels, Amsterdam"),
    "Europe/Berlin": _("Berlin, Vienna, Zurich"),
    "Europe/Madrid": _("Madrid, Barcelona"),
    "Europe/Rome": _("Rome, Milan"),
    "Europe/Stockholm": _("Stockholm, Oslo, Copenhagen"),
    "Europe/Warsaw": _("Warsaw, Prague, Budapest"),
    "Africa/Johannesburg": _("Johannesburg, Cape Town"),
    "Africa/Cairo": _("Cairo"),
    "Europe/Athens": _("Athens, Bucharest"),
    "Europe/Helsinki": _("Helsinki, Riga, Vilnius"),
    "Europe/Kyiv": _("Kyiv"),
    "Asia/Jerusalem": _("Jerusalem, Tel Aviv"),
    "Europe/Istanbul": _("Istanbul"),
    "Europe/Moscow": _("Moscow"),
    "Africa/Nairobi": _("Nairobi, Addis Ababa"),
    "Asia/Riyadh": _("Riyadh"),
    "Asia/Tehran": _("Tehran"),
    "Asia/Dubai": _("Dubai, Abu Dhabi"),
    "Asia/Karachi": _("Karachi, Lahore"),
    "Asia/Kolkata": _("Mumbai, Delhi, Kolkata"),
    "Asia/Kathmandu": _("Kathmandu"),
    "Asia/Dhaka": _("Dhaka"),
    "Asia/Bangkok": _("Bangkok, Hanoi"),
    "Asia/Jakarta": _("Jakarta"),
    "Asia/Singapore": _("Singapore, Kuala Lumpur"),
    "Asia/Shanghai": _("Beijing, Shanghai"),
    "Asia/Hong_Kong": _("Hong Kong"),
    "Asia/Manila": _("Manila"),
    "Australia/Perth": _("Perth"),
    "Asia/Seoul": _("Seoul"),
    "Asia/Tokyo": _("Tokyo, Osaka"),
    "Australia/Adelaide": _("Adelaide"),
    "Australia/Darwin": _("Darwin"),
    "Australia/Brisbane": _("Brisbane"),
    "Australia/Sydney": _("Sydney, Melbourne, Canberra"),
    "Australia/Hobart": _("Hobart"),
    "Pacific/Auckland": _("Auckland, Wellington"),
}


def time_zone_choices(current: str) -> list[tuple[str, str]]:
    choices = list(COMMON_TIME_ZONES.items())
    for zone in {current, settings.TIME_ZONE} - {""} - COMMON_TIME_ZONES.keys():
        if zone in zoneinfo.available_timezones():
            choices.insert(0, (zone, zone.replace("_", " ")))
    return choices


class AccountForm(ProfileChoicesMixin, UniqueUsernameMixin, forms.ModelForm):
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
        help_text=_("Dates and times are shown in this zone. Choose the city nearest you."),
    )
    password = current_password_field(
        _("Your password, to change your name or email address"),
        required=False,
        help_text=_("Not needed to change only your role or time zone."),
    )

    class Meta:
        model = User
        fields = ["username", "email"]
        labels = {"email": _("Email address (optional)")}
        # The browser may offer what it knows (WCAG 1.3.5, identify input purpose).
        widgets = {
            "username": forms.TextInput(attrs={"autocomplete": "username"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "username": USERNAME_HELP_TEXT,
            "email": _("Only used if you forget your password."),
        }

    # The name signs in and the email resets the password: whoever changes
    # them takes the account, so a session alone is not enough.
    NEEDS_PASSWORD = ("username", "email")

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone", ""))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not any(name in self.changed_data for name in self.NEEDS_PASSWORD):
            return password
        if not password:
            raise forms.ValidationError(
                _("Enter your password to change your name or email address.")
            )
        return checked_password(self.request, password)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, whose current password counts towards the sign-in lockout."""

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self) -> str:
        return checked_password(self.request, self.cleaned_data["old_password"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, whose email is sent after the answer (guide/tasks.py)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs
    ) -> None:
        needed = {key: context[key] for key in ("protocol", "domain", "uid", "token")}
        send_templated_email.enqueue(subject_template_name, email_template_name, needed, to_email)


class DeleteAccountForm(ConfirmPasswordForm):
    """Deleting the account asks for the password, as linking a partner does."""

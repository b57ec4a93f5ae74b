from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from journeys.models import (
    CHECK_IN_NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    CheckIn,
    Prompt,
    Readiness,
    Reflection,
    Stage,
)

# A version past any a reflection reaches, below what the database's integer holds.
MAX_VERSION = 2**31 - 1


class LengthLimit(MaxLengthValidator):
    """Refuses text over the limit; the message's %(length)s and %(limit)s
    are written as people read numbers ("20,000").

    No maxlength attribute goes with it: the browser would cut pasted text
    short without a word, where the server refuses it and keeps the text.
    """

    def __call__(self, value: str) -> None:
        if len(value) > self.limit_value:
            params = {"length": f"{len(value):,}", "limit": f"{self.limit_value:,}"}
            raise ValidationError(self.message, code=self.code, params=params)


# Check-ins and "My reflections"


class CheckInForm(forms.ModelForm):
    readiness = forms.TypedChoiceField(
        label=_("How ready do you feel today?"),
        help_text=_("Ready for closeness, in whatever form feels right. Any answer is fine."),
        choices=Readiness.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how ready you feel today."),
            "invalid_choice": _("Choose one of the five answers."),
        },
    )
    note = forms.CharField(
        label=_("A short note (optional)"),
        help_text=format_lazy(
            _("Only you can read it. Up to {limit} characters."),
            limit=f"{CHECK_IN_NOTE_MAX_LENGTH:,}",
        ),
        required=False,
        validators=[
            LengthLimit(
                CHECK_IN_NOTE_MAX_LENGTH,
                _(
                    "Your note is %(length)s characters long. Please shorten it to "
                    "%(limit)s or fewer; your text is still in the box."
                ),
            )
        ],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = CheckIn
        fields = ["readiness", "note"]


class CheckInChangeForm(CheckInForm):
    """A check-in changed later: the question asks about the day it was made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["readiness"].label = _("How ready did you feel?")


class CheckInPeriodForm(forms.Form):
    """Which check-ins the chart and the table cover: the last few weeks, or all."""

    RECENT, ALL = "recent", "all"
    RECENT_WEEKS = 12

    period = forms.ChoiceField(
        choices=[(RECENT, _("The last 12 weeks")), (ALL, _("All my check-ins"))],
        required=False,
    )

    def wanted(self) -> str:
        """The period asked for; the last few weeks when none is, or it is not one."""
        if self.is_valid() and self.cleaned_data["period"]:
            return self.cleaned_data["period"]
        return self.RECENT


class ReflectionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search my reflections"),
        help_text=_(
            "Each word you type must be there, in any order. Capitals and accents do not matter."
        ),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=Stage.objects.none(),
        required=False,
        empty_label=_("All stages"),
        error_messages={"invalid_choice": _("Choose a stage from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the stages this person wrote in: nothing else would match.
        self.fields["stage"].queryset = Stage.objects.written_in_by(user)

    def wanted(self) -> tuple[str, Stage | None]:
        """The words and the stage asked for; nothing of a search that is not valid."""
        if not self.is_valid():
            return "", None
        return self.cleaned_data["q"].strip(), self.cleaned_data["stage"]


class ReflectionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"),
        strip=False,
        required=False,
        validators=[
            LengthLimit(
                REFLECTION_MAX_LENGTH,
                _(
                    "Your reflection is %(length)s characters long. Please shorten it to "
                    "%(limit)s or fewer; your text is still in the box."
                ),
            )
        ],
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)

    def __init__(self, *args, question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if question:
            self.fields["text"].label = question

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(
                _("Write something before saving. To remove this reflection, delete it instead.")
            )
        return text


# Writing on the stage page, and marking a stage


class ReflectionForm(forms.Form):
    """A reflection written in the box under a prompt.

    Without `reflection`, saving starts a new reflection. With it, saving
    updates that one, but only if it is still at `version`: another tab may
    have saved it since.
    """

    text = forms.CharField(
        label=_("Write your reflection"),
        help_text=_("Private to you, unless you choose to share it."),
        required=False,
        strip=False,
        validators=[
            LengthLimit(
                REFLECTION_MAX_LENGTH,
                _(
                    "Not saved: this is %(length)s characters long, and the limit is "
                    "%(limit)s. Please shorten it; your text is still in the box."
                ),
            )
        ],
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
    )
    reflection = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    version = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_VERSION, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        prompt: Prompt,
        reflection: Reflection | None = None,
        autofocus: bool = False,
        **kwargs,
    ):
        """`prompt`: the question the box is under (each box's ids are its own);
        `reflection`: the one the box now saves into."""
        kwargs.setdefault("auto_id", f"p{prompt.pk}-%s")
        if reflection is not None:
            kwargs["initial"] = {"reflection": reflection.pk, "version": reflection.version}
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["text"].widget.attrs["autofocus"] = True

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reflection") and not data.get("version"):
            raise forms.ValidationError(_("Please reload the page and try again."))
        return data

    @property
    def is_empty(self) -> bool:
        return not self.cleaned_data["text"].strip()


class StageProgressForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("done", _("Mark as done")),
            ("not_ready", _("Not ready yet")),
            ("undo", _("Undo")),
        ]
    )


def check_current_password(request: HttpRequest, password: str) -> None:
    """Refuses a password that is not the signed-in person's.

    Through authenticate(), so wrong guesses count towards the sign-in
    lockout, as wrong passwords on the sign-in page do.
    """
    username = request.user.get_username()
    if authenticate(request, username=username, password=password) is None:
        raise forms.ValidationError(_("That is not your password."))


def current_password_field(label: str = _("Your password"), **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        **kwargs,
    )


class ConfirmPasswordForm(forms.Form):
    """The signed-in person's password, asked again before a step that matters."""

    password = current_password_field(error_messages={"required": _("Enter your password.")})

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_current_password(self.request, password)
        return password


# Together


class InvitationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        help_text=_("The code your partner gave you, for example ABCD-EFGH-JKMN."),
        max_length=40,
        error_messages={"required": _("Enter the code your partner gave you.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SharingForm(forms.Form):
    action = forms.ChoiceField(choices=[("share", _("Share")), ("stop", _("Stop sharing"))])


class TogetherAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        help_text=_("Your partner sees it only once you have both answered."),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[
            LengthLimit(
                REFLECTION_MAX_LENGTH,
                _(
                    "Your answer is %(length)s characters long. Please shorten it to "
                    "%(limit)s or fewer; your text is still in the box."
                ),
            )
        ],
        error_messages={"required": _("Write your answer first.")},
    )


class ReadinessComparingForm(forms.Form):
    compares = forms.BooleanField(required=False)

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from journeys.models import (
    CHECK_IN_NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    CheckIn,
    Readiness,
    Stage,
)

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
        strip=False,
        # No maxlength attribute: the browser would cut a pasted note short
        # without a word. The server refuses it and keeps the text instead.
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = CheckIn
        fields = ["readiness", "note"]

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        if len(note) > CHECK_IN_NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "Your note is %(length)s characters long. Please shorten it to "
                    "%(limit)s or fewer; your text is still in the box."
                ),
                params={"length": f"{len(note):,}", "limit": f"{CHECK_IN_NOTE_MAX_LENGTH:,}"},
            )
        return note.strip()


class ReflectionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search my reflections"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a stage from the list.")},
    )

    def __init__(self, *args, stages: list[Stage], **kwargs):
        """`stages`: those this person has written in, as the page lists
        them; nothing else would match. A chosen one is cleaned to its Stage."""
        super().__init__(*args, **kwargs)
        by_id = {str(stage.pk): stage for stage in stages}
        self.fields["stage"].choices = [
            ("", _("All stages")),
            *((pk, stage.title) for pk, stage in by_id.items()),
        ]
        self.fields["stage"].coerce = by_id.__getitem__


class ReflectionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

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
        if len(text) > REFLECTION_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "Your reflection is %(length)s characters long. Please shorten it to "
                    "%(limit)s or fewer; your text is still in the box."
                ),
                params={"length": f"{len(text):,}", "limit": f"{REFLECTION_MAX_LENGTH:,}"},
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
        help_text=_("Only you can read this."),
        required=False,
        strip=False,
        # No maxlength attribute: the browser would cut pasted text short
        # without a word. The server refuses it and keeps the text instead.
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
    )
    reflection = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text) > REFLECTION_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "Not saved: this is %(length)s characters long, and the limit is "
                    "%(limit)s. Please shorten it; your text is still in the box."
                ),
                code="too_long",
                params={"length": f"{len(text):,}", "limit": f"{REFLECTION_MAX_LENGTH:,}"},
            )
        return text

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

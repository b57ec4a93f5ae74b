from collections import defaultdict
from typing import NamedTuple

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.forms.boundfield import BoundWidget
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from journeys.models import (
    CARE_QUESTION_MAX_LENGTH,
    CARE_QUESTIONS_MAX,
    CHECK_IN_NOTE_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    CareQuestion,
    CheckIn,
    Prompt,
    Readiness,
    Reflection,
    Stage,
)
from journeys.summary import PaperSize, Period

# A version past any a reflection reaches, below what the database's integer holds.
MAX_VERSION = 2**31 - 1


class LengthLimit(MaxLengthValidator):
    """Refuses text over the limit, saying what is too long ("Your note") and
    writing numbers as people read them ("20,000").

    No maxlength attribute goes with it: the browser would cut pasted text
    short without a word, where the server refuses it and keeps the text.
    """

    message = _(
        "%(what)s is %(length)s characters long. Please shorten it to %(limit)s or fewer; "
        "your text is still in the box."
    )

    def __init__(self, limit: int, what: str = "", message: str | None = None) -> None:
        super().__init__(limit, message)
        self.what = what

    def __call__(self, value: str) -> None:
        if len(value) > self.limit_value:
            params = {
                "what": self.what,
                "length": f"{len(value):,}",
                "limit": f"{self.limit_value:,}",
            }
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
        validators=[LengthLimit(CHECK_IN_NOTE_MAX_LENGTH, _("Your note"))],
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
        validators=[LengthLimit(REFLECTION_MAX_LENGTH, _("Your reflection"))],
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
            raise ValidationError(
                _("Write something before saving. To remove this reflection, delete it instead.")
            )
        return text


# Writing on the stage page, and marking a stage


# The form a page's writing boxes belong to: the stage page's one form, or the
# together page's (see journeys/stage.html#box).
WRITING_FORM_ID = "writing-form"


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
                message=_(
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
        """`prompt`: the question the box is under (each box's names and ids
        are its own); `reflection`: the one the box holds and now saves into."""
        if reflection is not None:
            kwargs["initial"] = {
                "reflection": reflection.pk,
                "version": reflection.version,
                "text": reflection.text,
            }
        super().__init__(*args, prefix=f"p{prompt.pk}", auto_id="%s", **kwargs)
        self.prompt = prompt
        # Every box on the stage page belongs to the page's one form, so that
        # without JavaScript any of its buttons sends every box (see stage.html).
        for field in self.fields.values():
            field.widget.attrs["form"] = WRITING_FORM_ID
        if autofocus:
            self.fields["text"].widget.attrs["autofocus"] = True

    @property
    def was_sent(self) -> bool:
        """Whether the request carried this box at all: a mark sent by htmx
        carries none, the page's form without JavaScript carries them all."""
        return self.is_bound and self.add_prefix("text") in self.data

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reflection") and not data.get("version"):
            raise ValidationError(_("Please reload the page and try again."))
        return data


class StageProgressForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("done", _("Mark as done")),
            ("not_ready", _("Not ready yet")),
            ("undo", _("Undo")),
        ]
    )


def checked_password(request: HttpRequest, password: str) -> str:
    """The password, refused if it is not the signed-in person's.

    Through authenticate(), so wrong guesses count towards the sign-in
    lockout, as wrong passwords on the sign-in page do.
    """
    username = request.user.get_username()
    if authenticate(request, username=username, password=password) is None:
        raise ValidationError(_("That is not your password."))
    return password


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
        return checked_password(self.request, self.cleaned_data["password"])


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


class TogetherAnswerForm(ReflectionForm):
    """An answer to a question the two answer together: a writing box that
    saves as the person's own reflection as they write, given to the two of
    them when they press its button."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Your answer")
        self.fields["text"].help_text = _("Your partner sees it only once you have both answered.")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("text", "").strip():
            self.add_error("text", _("Write your answer first."))
        return data


class ReadinessComparingForm(forms.Form):
    compares = forms.BooleanField(required=False)


# A summary for the care team


QUESTIONS_PREFIX = "questions"
# Past any page of ours (30 questions and an empty box): the rest is not read.
QUESTION_BOXES_READ = 100


class QuestionChange(models.TextChoices):
    """What a button under the questions does; its words are the page's."""

    ADD = "add"
    SAVE = "save"
    UP = "up"
    DOWN = "down"
    REMOVE = "remove"
    CLEAR = "clear"
    CLEAR_CONFIRMED = "clear-confirmed"
    KEEP = "keep"


class Focus(NamedTuple):
    """Where the keyboard lands after a change: a control of a numbered
    question ("text", "up", "down"), or of the whole list ("save", "clear",
    "confirm"); "" for nowhere in particular."""

    control: str
    number: int = 0


class CareQuestionForm(forms.Form):
    """One of the person's questions for their care team, in a box of its own."""

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, number: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["text"].label = _("Question %(number)s") % {"number": number}

    def clean_text(self) -> str:
        # One line each in the summary and the Markdown export.
        text = " ".join(self.cleaned_data["text"].split())
        LengthLimit(CARE_QUESTION_MAX_LENGTH, self.fields["text"].label)(text)
        return text


class BaseCareQuestionFormSet(forms.BaseFormSet):
    longest = CARE_QUESTION_MAX_LENGTH

    def get_form_kwargs(self, index: int | None) -> dict:
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1}

    def clean(self) -> None:
        # Each question past the limit says so in its own box, where it can be removed.
        for form in self.forms[CARE_QUESTIONS_MAX:]:
            if form.cleaned_data.get("text"):
                form.add_error(
                    "text",
                    ValidationError(
                        _(
                            "A summary holds up to %(limit)s questions and this is question "
                            "%(number)s. Please remove one; your text is still in the box."
                        ),
                        code="too_many",
                        params={"limit": CARE_QUESTIONS_MAX, "number": form.number},
                    ),
                )

    def question_count(self) -> int:
        """The boxes that hold a question, which come before the empty one."""
        return sum(1 for form in self if form["text"].value())

    def land_on(self, focus: Focus) -> None:
        """Puts the keyboard in the question's box that `focus` names, once the page opens."""
        if focus.control == "text" and 0 < focus.number <= len(self.forms):
            self.forms[focus.number - 1].fields["text"].widget.attrs["autofocus"] = True

    def texts(self) -> list[str]:
        """The questions, checked, in the person's order."""
        return [form.cleaned_data["text"] for form in self.forms if form.cleaned_data.get("text")]


CareQuestionFormSet = forms.formset_factory(
    CareQuestionForm,
    formset=BaseCareQuestionFormSet,
    extra=0,
    max_num=CARE_QUESTIONS_MAX,
    absolute_max=QUESTION_BOXES_READ,
)


def typed_questions(data) -> list[str]:
    """The questions as typed on the page, in its order; empty boxes are left out."""
    boxes = CareQuestionFormSet(data, prefix=QUESTIONS_PREFIX)
    return [typed for box in boxes if (typed := box["text"].value() or "").strip()]


def question_boxes(texts: list[str], *, typed: bool) -> BaseCareQuestionFormSet:
    """A box for each question and, while there is room, an empty one for the next.

    Questions that were typed are checked, so each box shows its own error;
    the boxes are numbered afresh, so a box's error names the number beside it.
    """
    rows = [*texts, ""] if len(texts) < CARE_QUESTIONS_MAX else texts
    if not typed:
        initial = [{"text": text} for text in rows]
        return CareQuestionFormSet(initial=initial, prefix=QUESTIONS_PREFIX)
    data = {f"{QUESTIONS_PREFIX}-TOTAL_FORMS": len(rows), f"{QUESTIONS_PREFIX}-INITIAL_FORMS": 0}
    data |= {f"{QUESTIONS_PREFIX}-{index}-text": text for index, text in enumerate(rows)}
    return CareQuestionFormSet(data, prefix=QUESTIONS_PREFIX)


class QuestionChangeForm(forms.Form):
    """A button under the questions: "add", "clear", or "up:2" for question 2."""

    change = forms.CharField()

    def clean_change(self) -> tuple[QuestionChange, int]:
        what, _colon, number = self.cleaned_data["change"].partition(":")
        if what not in QuestionChange.values or not (number or "0").isdigit():
            raise ValidationError("Not a button of the summary page.", code="invalid")
        return QuestionChange(what), int(number or 0)

    def applied_to(self, texts: list[str]) -> tuple[list[str], Focus]:
        """The questions with the change made, and where the keyboard goes next.

        A move or a removal of a question that is no longer there (a page
        left open while another changed the list) changes nothing.
        """
        what, number = self.cleaned_data["change"]
        texts = list(texts)
        here, count = number - 1, len(texts)
        if what == QuestionChange.UP and 0 < here < count:
            texts[here - 1], texts[here] = texts[here], texts[here - 1]
            # The same button again moves it further, while it can go further.
            return texts, Focus("up" if number > 2 else "text", number - 1)
        if what == QuestionChange.DOWN and 0 <= here < count - 1:
            texts[here], texts[here + 1] = texts[here + 1], texts[here]
            return texts, Focus("down" if number + 1 < count else "text", number + 1)
        if what == QuestionChange.REMOVE and 0 <= here < count:
            del texts[here]
            # The next question has moved into its place, or the empty box has.
            return texts, Focus("text", number)
        if what == QuestionChange.ADD:
            return texts, Focus("text", count + 1)
        if what == QuestionChange.CLEAR_CONFIRMED:
            return [], Focus("text", 1)
        # Saving stays on its button; asking to clear goes to the question it asks,
        # and keeping them goes back to where clearing began.
        lands = {
            QuestionChange.SAVE: "save",
            QuestionChange.CLEAR: "confirm",
            QuestionChange.KEEP: "clear",
        }
        return texts, Focus(lands.get(what, ""))


class SummaryAction(models.TextChoices):
    SHOW = "show", _("Show my summary")
    PDF = "pdf", _("Download as PDF")
    CHANGE = "change", _("Change what is in it")


class SummaryForm(forms.Form):
    """What goes into a summary: reflections chosen one by one or a whole
    stage at a time, a period of check-ins, the person's questions (kept for
    next time; a formset of their own, `self.questions`, checked with the
    form), and how the page is headed."""

    reflections = forms.ModelMultipleChoiceField(
        label=_("Reflections"),
        queryset=None,  # the person's own, set in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whole_stages = forms.TypedMultipleChoiceField(
        label=_("Choose all in a stage"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose stages from the list.")},
    )
    period = forms.ChoiceField(
        label=_("Check-ins"),
        help_text=_("How ready you felt, as a chart and a table."),
        choices=Period.choices,
        initial=Period.NONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which check-ins to include, or none.")},
    )
    for_whom = forms.CharField(
        label=_("For (optional)"),
        help_text=_("A name or a role, for example “my GP” or “Dr Okafor”."),
        required=False,
        max_length=100,
        error_messages={
            "max_length": _("Please keep this to %(limit_value)d characters or fewer.")
        },
    )
    show_name = forms.BooleanField(
        label=_("Put my name on it"),
        help_text=_("Your name as you signed up with it. Leave this unticked to leave it off."),
        required=False,
    )
    paper = forms.ChoiceField(
        label=_("Paper size"),
        choices=PaperSize.choices,
        initial=PaperSize.A4,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a paper size.")},
    )
    action = forms.ChoiceField(choices=SummaryAction.choices, required=False)

    def __init__(self, data=None, *, user, questions: list[str] | None = None, **kwargs):
        """`questions`: the list as a change under them left it; otherwise as typed
        on the page, or as kept when the page is first opened."""
        super().__init__(data, **kwargs)
        self.own_reflections = Reflection.objects.for_user(user).in_journey_order()
        self.fields["reflections"].queryset = self.own_reflections
        self.stages = list(Stage.objects.written_in_by(user))
        self.fields["whole_stages"].choices = [(stage.pk, stage.title) for stage in self.stages]
        if questions is None and self.is_bound:
            questions = typed_questions(data)
        elif questions is None:
            questions = list(CareQuestion.objects.for_user(user).values_list("text", flat=True))
        self.questions = question_boxes(questions, typed=self.is_bound)

    def is_valid(self) -> bool:
        return super().is_valid() and self.questions.is_valid()

    def stage_groups(self) -> list[tuple[Stage, BoundWidget, list[BoundWidget]]]:
        """Each stage with its "choose all" box and the boxes of its reflections."""
        boxes = defaultdict(list)
        for box in self["reflections"]:
            boxes[box.data["value"].instance.prompt.stage_id].append(box)
        return [
            (stage, whole, boxes[stage.pk])
            for stage, whole in zip(self.stages, self["whole_stages"], strict=True)
        ]

    def chosen_values(self) -> list[tuple[str, list[str]]]:
        """Each field's submitted values, the questions' boxes too, for a page
        to carry to the next step."""
        fields = [(name, self.data.getlist(name)) for name in self.fields if name != "action"]
        boxes = [*self.questions.management_form, *(box["text"] for box in self.questions)]
        return fields + [(box.html_name, [box.value()]) for box in boxes]

    def clean(self) -> dict:
        data = super().clean()
        chosen = data.get("reflections")
        whole_stages = data.get("whole_stages")
        if chosen is not None and whole_stages:
            chosen = self.own_reflections.filter(
                Q(pk__in=[reflection.pk for reflection in chosen])
                | Q(prompt__stage__in=whole_stages)
            )
        data["reflections"] = list(chosen or [])
        questions_fit = self.questions.is_valid()
        data["questions"] = self.questions.texts() if questions_fit else []
        makes_summary = data.get("action") in (SummaryAction.SHOW, SummaryAction.PDF)
        nothing_chosen = (
            not data["reflections"] and data.get("period") == Period.NONE and not data["questions"]
        )
        if makes_summary and nothing_chosen and questions_fit:
            self.add_error(
                "reflections",
                _(
                    "Choose at least one reflection, a period of check-ins, or write a "
                    "question for your care team."
                ),
            )
        return data

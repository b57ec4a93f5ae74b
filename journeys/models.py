from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.fields import EncryptedIntegerField, EncryptedTextField

REFLECTION_MAX_LENGTH = 20_000
CHECK_IN_NOTE_MAX_LENGTH = 2_000


def sees_drafts(user) -> bool:
    """Editors preview stages and journeys before people can see them."""
    return user.is_staff and user.has_perm("journeys.change_stage")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    RECOVERING = "recovering", _("The person recovering")
    PARTNER = "partner", _("The partner")


class Role(models.TextChoices):
    NOT_SAID = "", _("I would rather not say")
    RECOVERING = "recovering", _("I am recovering from an illness")
    PARTNER = "partner", _("I am the partner of someone who is recovering")


class JourneyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        return self if sees_drafts(user) else self.published()


class Journey(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    published = models.BooleanField(_("published"), default=False)
    # What `load_journeys` last wrote, so a later load can tell an editor's change.
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = JourneyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.title

    def holds_peoples_data(self) -> bool:
        """Whether anyone checked in on it, or wrote to, marked or asked a
        question together in one of its stages."""
        return (
            CheckIn.objects.filter(journey=self).exists()
            or StageProgress.objects.filter(stage__journey=self).exists()
            or Reflection.objects.filter(prompt__stage__journey=self).exists()
            or TogetherQuestion.objects.filter(prompt__stage__journey=self).exists()
        )


class StageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, journey__published=True, retired=False)

    def visible_to(self, user):
        return self.filter(retired=False) if sees_drafts(user) else self.published()

    def with_status_for(self, user):
        """Each stage with `status`: this person's ProgressStatus, or None when not started."""
        marks = StageProgress.objects.for_user(user).filter(stage=models.OuterRef("pk"))
        return self.annotate(status=models.Subquery(marks.values("status")[:1]))

    def written_in_by(self, user):
        """The stages this person has written in, in the journeys' order."""
        return (
            self.filter(prompts__reflections__user=user)
            .distinct()
            .select_related("journey")
            .order_by("journey__title", "position")
        )


class Stage(models.Model):
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="stages", verbose_name=_("journey")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    published = models.BooleanField(_("published"), default=False)
    # Retired content takes no new writing but stays beside what people wrote to it.
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Hidden from new writing; what people wrote to it stays with them."),
    )
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The number of its latest StageVersion: a publish based on an older one
    # is refused, so two editors never lose each other's change (journeys.drafts).
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = StageQuerySet.as_manager()

    class Meta:
        # Two stages may share a position while they are reordered; the older
        # one comes first.
        ordering = ["journey", "position", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["journey", "slug"], name="unique_stage_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open_to_people(self) -> bool:
        return self.published and self.journey.published and not self.retired

    def holds_peoples_data(self) -> bool:
        """Whether anyone marked it or wrote to one of its prompts."""
        return (
            StageProgress.objects.filter(stage=self).exists()
            or Reflection.objects.filter(prompt__stage=self).exists()
            or TogetherQuestion.objects.filter(prompt__stage=self).exists()
        )


class PromptQuerySet(models.QuerySet):
    def current(self):
        """The prompts that take new writing: not retired."""
        return self.filter(retired=False)

    def visible_to(self, user):
        """The current prompts of the stages this person may open (see StageQuerySet.visible_to)."""
        current = self.current().filter(stage__retired=False)
        if sees_drafts(user):
            return current
        return current.filter(stage__published=True, stage__journey__published=True)

    def for_role(self, role: str):
        """The prompts a person of this role sees: everyone's, and their own."""
        return self.filter(audience__in=[Audience.EVERYONE, role])


class Prompt(models.Model):
    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="prompts", verbose_name=_("stage")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("question"))
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    audience = models.CharField(
        _("addressed to"), max_length=20, choices=Audience, default=Audience.EVERYONE
    )
    # Retired content takes no new writing but stays beside what people wrote to it.
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Hidden from new writing; what people wrote to it stays with them."),
    )

    objects = PromptQuerySet.as_manager()

    class Meta:
        # Two prompts may share a position while an editor reorders them;
        # the older one comes first.
        ordering = ["stage", "position", "pk"]
        verbose_name = _("prompt")
        verbose_name_plural = _("prompts")

    def __str__(self) -> str:
        return self.text

    def holds_peoples_data(self) -> bool:
        """Whether anyone wrote to it or asked their partner to answer it together."""
        return (
            Reflection.objects.filter(prompt=self).exists()
            or TogetherQuestion.objects.filter(prompt=self).exists()
        )


class UserDataQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


@dataclass
class BoxSaved:
    """What saving a writing box did (Reflection.save_box). `state`: saved,
    conflict (saved as a new reflection beside `other`, another tab's newer
    version), removed (the box was emptied; `removed` is the reflection as
    it was, for Undo), changed_elsewhere (emptied, but another tab saved it
    since: kept), or empty (nothing to save)."""

    state: str
    reflection: "Reflection | None" = None
    other: "Reflection | None" = None
    removed: "Reflection | None" = None


class ReflectionQuerySet(UserDataQuerySet):
    def in_journey_order(self):
        """By journey, stage and question as the journey reads, oldest first
        under each question, with the stage and journey at hand."""
        return self.select_related("prompt__stage__journey").order_by(
            "prompt__stage__journey__title",
            "prompt__stage__position",
            "prompt__position",
            "prompt_id",
            "created",
            "pk",
        )

    def save_over(self, pk: int, version: int, text: str) -> int | None:
        """Writes the text over the reflection if it is still at `version`,
        and returns its new version; None when another tab saved it since
        (or it is not among these reflections)."""
        changed = self.filter(pk=pk, version=version).update(
            text=text, version=F("version") + 1, updated=timezone.now()
        )
        return version + 1 if changed else None

    def remove(self, pk: int, version: int) -> "Reflection | None":
        """Deletes the reflection if it is still at `version`, and returns it
        as it was, for Undo; None when another tab saved it since (or it is
        not among these reflections)."""
        reflection = self.filter(pk=pk, version=version).first()
        if reflection is None or not self.filter(pk=pk, version=version).delete()[0]:
            return None
        return reflection


class Reflection(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    # PROTECT: content that someone has answered is retired, never deleted.
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="reflections")
    # The question as it read when the person answered it; editors may reword it later.
    prompt_text = models.TextField()
    text = EncryptedTextField()
    # Raised on every save; a save that carries an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "-created"], name="reflection_user_created")]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"

    @classmethod
    def start(cls, user, prompt: "Prompt", text: str) -> "Reflection":
        """A new reflection on the prompt, which starts the prompt's stage
        for this person unless they have marked it already."""
        with transaction.atomic():
            reflection = cls.objects.create(
                user=user, prompt=prompt, prompt_text=prompt.text, text=text
            )
            StageProgress.objects.start(user, prompt.stage_id)
        return reflection

    @classmethod
    def save_box(
        cls, user, prompt: "Prompt", *, reflection: int | None, version: int | None, text: str
    ) -> "BoxSaved":
        """Writes what a writing box holds over the reflection it holds (the
        id `reflection`), if that is still at the `version` the box showed;
        else (a first save, another tab saved since, or it is gone) as a new
        reflection, so no text is ever lost. An emptied box removes the
        reflection it held."""
        pk = reflection
        mine = cls.objects.for_user(user).filter(prompt=prompt)
        if not text.strip():
            if not pk:
                return BoxSaved("empty")
            removed = mine.remove(pk, version)
            return BoxSaved("removed" if removed else "changed_elsewhere", removed=removed)
        if pk and (new_version := mine.save_over(pk, version, text)):
            return BoxSaved("saved", cls(pk=pk, prompt=prompt, text=text, version=new_version))
        other = mine.filter(pk=pk).first() if pk else None
        if other and other.text == text:
            # Saved since with these very words (a save as they left the box,
            # racing the button's): nothing to keep apart.
            return BoxSaved("saved", other)
        return BoxSaved("conflict" if other else "saved", cls.start(user, prompt, text), other)

    def edit_url(self) -> str:
        return reverse("journeys:reflection_edit", args=[self.pk])

    def delete_url(self) -> str:
        return reverse("journeys:reflection_delete", args=[self.pk])


class ProgressStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_READY = "not_ready", _("Not ready yet")
    DONE = "done", _("Done")


def suggested_next(stages: Iterable[Stage]) -> Stage | None:
    """Where to go on, from stages in order with their `status` (see
    StageQuerySet.with_status_for): one in progress, else the first not started, else one
    not ready yet; never a done one."""
    stages = list(stages)
    for wanted in (ProgressStatus.IN_PROGRESS, None, ProgressStatus.NOT_READY):
        for stage in stages:
            if stage.status == wanted:
                return stage
    return None


class StageProgressQuerySet(UserDataQuerySet):
    def start(self, user, stage_id: int) -> None:
        """Marks the stage in progress for this person, unless it is marked already."""
        self.get_or_create(
            user=user, stage_id=stage_id, defaults={"status": ProgressStatus.IN_PROGRESS}
        )

    def mark(self, user, stage: Stage, choice: str) -> "StageProgress | None":
        """Marks the stage done or not ready yet; "undo" takes it back to in
        progress if the person wrote there, else to not started (None)."""
        if choice == "undo":
            if not Reflection.objects.for_user(user).filter(prompt__stage=stage).exists():
                self.filter(user=user, stage=stage).delete()
                return None
            choice = ProgressStatus.IN_PROGRESS
        progress, _created = self.update_or_create(
            user=user, stage=stage, defaults={"status": choice}
        )
        return progress


class StageProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_progress"
    )
    # PROTECT, as every relation from people's data to content: what someone
    # marked is retired, never deleted (see journeys.admin).
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=ProgressStatus)
    updated = models.DateTimeField(auto_now=True)

    objects = StageProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stage progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "stage"], name="unique_progress_per_stage"),
        ]

    def __str__(self) -> str:
        return f"Progress {self.pk}"


class Readiness(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all ready")
    A_LITTLE = 2, _("A little ready")
    PARTLY = 3, _("Partly ready")
    MOSTLY = 4, _("Mostly ready")
    VERY = 5, _("Very ready")


class CheckIn(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_ins"
    )
    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="check_ins")
    created = models.DateTimeField(default=timezone.now)
    # How ready someone feels is health data: encrypted at rest like the note.
    readiness = EncryptedIntegerField(
        choices=Readiness, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = EncryptedTextField(blank=True)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "journey", "-created"], name="checkin_user")]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


class Profile(models.Model):
    """The person's role and time zone: one for every account, made with it
    (journeys.signals), and read once per request by the site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True)
    # Empty means the site's default time zone.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserDataQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Profile {self.pk}"


class StageDraft(models.Model):
    """Changes to a published stage that people do not see until an editor
    publishes them: its text and its prompts, as journeys.drafts.content_of makes."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="draft")
    content = models.JSONField()
    # Raised on every save; an editor's save from an older page is refused.
    revision = models.PositiveIntegerField(default=1)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft of {self.stage}"


class StageVersion(models.Model):
    """What a stage said to people from one publish on: content only, never
    anything people wrote."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    # None for the stage as it was before its first publish here.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stage", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "number"], name="unique_stage_version"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.stage}"


# Together: two linked people, and what each chose to share with the other.
# Every row here is reached through a method that takes the signed-in person.


class PartnershipQuerySet(UserDataQuerySet):
    def unlink(self, user) -> None:
        """Ends this person's link, both sides at once, with everything the
        two shared or answered together."""
        with transaction.atomic():
            link = self.for_user(user).first()
            if link is None:
                return
            pair = [link.user_id, link.partner_id]
            TogetherQuestion.objects.for_user(user).delete()
            for person in pair:
                Share.objects.for_user(person).delete()
            self.filter(user__in=pair).delete()


class Partnership(models.Model):
    """One side of a link: each linked person has one row naming the other,
    so a person has at most one partner and every lookup starts from them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership"
    )
    partner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateTimeField(default=timezone.now)
    # This person's own choice; the comparison needs both sides' (journeys.partners).
    compares_readiness = models.BooleanField(default=False)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(user=models.F("partner")), name="partner_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"Partnership {self.pk}"


class InvitationState(models.TextChoices):
    OPEN = "open"
    USED = "used"
    CANCELLED = "cancelled"


class InvitationQuerySet(UserDataQuerySet):
    def open(self):
        return self.filter(state=InvitationState.OPEN, expires__gt=timezone.now())

    def by_code_hash(self, code_hash: str):
        """The open invitation with this code, if any: the code itself is the
        secret that lets someone who is not the inviter reach it."""
        return self.open().filter(code_hash=code_hash).select_related("user").first()


class Invitation(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    # Only a hash: the code is shown once to the inviter and never stored.
    code_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    state = models.CharField(max_length=10, choices=InvitationState, default=InvitationState.OPEN)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="open"),
                name="one_open_invitation_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"


class ShareQuerySet(models.QuerySet):
    def for_user(self, user):
        """The shares of this person's own reflections."""
        return self.filter(reflection__user=user)

    def shared_with(self, user):
        """What this person's current partner shares with them, since they linked."""
        return self.filter(
            reflection__user__partnership__partner=user,
            created__gte=F("reflection__user__partnership__since"),
        )


class Share(models.Model):
    """One reflection its author lets their current partner read. The text
    is read from the reflection itself, so an edit shows and nothing is copied."""

    reflection = models.OneToOneField(Reflection, on_delete=models.CASCADE, related_name="share")
    created = models.DateTimeField(default=timezone.now)

    objects = ShareQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Share {self.pk}"


class TogetherQuestionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The questions this person and their current partner answer together."""
        return self.filter(
            models.Q(asked_by=user, asked_by__partnership__partner=F("asked_of"))
            | models.Q(asked_of=user, asked_of__partnership__partner=F("asked_by"))
        )

    def ask(self, user, prompt: Prompt) -> "TogetherQuestion":
        """The question on this prompt for this person and their partner,
        asked now unless one of them asked it already."""
        asked = self.for_user(user).filter(prompt=prompt).first()
        if asked is None:
            partner = Partnership.objects.for_user(user).get().partner
            asked = self.create(prompt=prompt, asked_by=user, asked_of=partner)
        return asked


class TogetherQuestion(models.Model):
    """A question two partners answer together; whoever asks, it belongs to both."""

    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    asked_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    objects = TogetherQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"Together question {self.pk}"


class TogetherAnswer(models.Model):
    """A person's answer to a together question: their own reflection,
    shown to the partner only once both have answered."""

    question = models.ForeignKey(TogetherQuestion, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reflection = models.OneToOneField(
        Reflection, on_delete=models.CASCADE, related_name="together_answer"
    )

    objects = UserDataQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="one_answer_each"),
        ]

    def __str__(self) -> str:
        return f"Together answer {self.pk}"


CARE_QUESTION_MAX_LENGTH = 500
CARE_QUESTIONS_MAX = 30


class CareQuestionQuerySet(UserDataQuerySet):
    def replace_for(self, user, texts: Iterable[str]) -> None:
        """The person's questions become these, in this order."""
        with transaction.atomic():
            self.filter(user=user).delete()
            self.bulk_create(
                CareQuestion(user=user, position=position, text=text)
                for position, text in enumerate(texts)
            )


class CareQuestion(models.Model):
    """A question the person means to ask their doctor, nurse or therapist,
    kept for their next summary."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = EncryptedTextField()

    objects = CareQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Care question {self.pk}"

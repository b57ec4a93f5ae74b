from collections.abc import Iterable

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.fields import EncryptedTextField

REFLECTION_MAX_LENGTH = 20_000
CHECK_IN_NOTE_MAX_LENGTH = 2_000

# The person's role (a Role value), copied into the session by the site at
# sign-in and whenever it changes, so showing their prompts costs no query.
ROLE_SESSION_KEY = "role"


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


class StageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, journey__published=True)

    def written_in_by(self, user):
        """The stages this person has written in, in the journeys' order, each
        with its journey and how many reflections they wrote there (`written`)."""
        return (
            self.filter(prompts__reflections__user=user)
            .annotate(written=models.Count("prompts__reflections"))
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
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["journey", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["journey", "slug"], name="unique_stage_slug"),
            models.UniqueConstraint(fields=["journey", "position"], name="unique_stage_position"),
        ]

    def __str__(self) -> str:
        return self.title


class PromptQuerySet(models.QuerySet):
    def at(self, journey_slug: str, stage_slug: str, *, drafts: bool = False):
        """The prompts of the stage at this address: of a published stage of a
        published journey (as StageQuerySet.published), or any when `drafts`.
        One filter() with every lookup: an autosave checks this on each save."""
        lookups = {"stage__slug": stage_slug, "stage__journey__slug": journey_slug}
        if not drafts:
            lookups |= {"stage__published": True, "stage__journey__published": True}
        return self.filter(**lookups)


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

    objects = PromptQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "position"]
        verbose_name = _("prompt")
        verbose_name_plural = _("prompts")
        constraints = [
            models.UniqueConstraint(fields=["stage", "position"], name="unique_prompt_position"),
        ]

    def __str__(self) -> str:
        return self.text


class UserDataQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class Reflection(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    # PROTECT: content that someone has answered is unpublished, never deleted.
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="reflections")
    # The question as it read when the person answered it; editors may reword it later.
    prompt_text = models.TextField()
    text = EncryptedTextField()
    # Raised on every save; a save that carries an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    objects = UserDataQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "-created"], name="reflection_user_created")]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"

    def edit_url(self) -> str:
        return reverse("journeys:reflection_edit", args=[self.pk])

    def delete_url(self) -> str:
        return reverse("journeys:reflection_delete", args=[self.pk])


class ProgressStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_READY = "not_ready", _("Not ready yet")
    DONE = "done", _("Done")


def with_statuses(stages: list[Stage], user) -> list[Stage]:
    """The stages, each with `status`: this person's ProgressStatus, or None
    when not started. One query, for all of this person's marks: there is at
    most one a stage, and listing the stages' ids in it cost more than the
    few rows of other journeys."""
    statuses = dict(StageProgress.objects.for_user(user).values_list("stage_id", "status"))
    for stage in stages:
        stage.status = statuses.get(stage.pk)
    return stages


def for_role(prompts: Iterable["Prompt"], role: str) -> list["Prompt"]:
    """The prompts a person of this role sees: everyone's, and their own."""
    return [prompt for prompt in prompts if prompt.audience in (Audience.EVERYONE, role)]


def suggested_next(stages: Iterable[Stage]) -> Stage | None:
    """Where to go on, from stages in order with their `status` (see
    with_statuses): one in progress, else the first not started, else one
    not ready yet; never a done one."""
    stages = list(stages)
    for wanted in (ProgressStatus.IN_PROGRESS, None, ProgressStatus.NOT_READY):
        for stage in stages:
            if stage.status == wanted:
                return stage
    return None


class StageProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_progress"
    )
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=ProgressStatus)
    updated = models.DateTimeField(auto_now=True)

    objects = UserDataQuerySet.as_manager()

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
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="check_ins")
    created = models.DateTimeField(default=timezone.now)
    readiness = models.PositiveSmallIntegerField(
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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True)
    # Empty means the site's default time zone.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserDataQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Profile {self.pk}"


def profile_for(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile

"""The published journeys' stages and prompts, kept for a short while in each
process's cache.

They are the same for everyone and change only when an editor saves, yet
every stage page, the journey overview and the home page need them. Kept in
the cache, a stage page reads from the database only what is this person's.

An editor's save or delete clears the cache of the process that made it at
once (the receivers below); every other process (gunicorn's other workers,
other app servers) sees the change within CACHE_SECONDS. Staff previewing
drafts never read from here.
"""

from contextlib import suppress

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from journeys.models import Journey, Prompt, Stage

CACHE_SECONDS = 30
# Part of every key: raising it retires every key made before.
GENERATION_KEY = "journeys:published:generation"


def _key(*parts) -> str:
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    return ":".join(["journeys:published", str(generation), *map(str, parts)])


def stages_of(journey_slug: str) -> list[Stage]:
    """The journey's published stages in order, each with its journey; none
    when the journey is not published."""
    return cache.get_or_set(
        _key("stages", journey_slug),
        lambda: list(
            Stage.objects.published()
            .filter(journey__slug=journey_slug)
            .select_related("journey")
            .order_by("position")
        ),
        timeout=CACHE_SECONDS,
    )


def prompt_addresses() -> frozenset[tuple[str, str, int]]:
    """(journey slug, stage slug, prompt id) of every published prompt: what
    an autosave checks its address against, small enough to read from the
    cache on every save."""
    return cache.get_or_set(
        _key("prompt-addresses"),
        lambda: frozenset(
            Prompt.objects.filter(stage__in=Stage.objects.published()).values_list(
                "stage__journey__slug", "stage__slug", "pk"
            )
        ),
        timeout=CACHE_SECONDS,
    )


def prompts_of(stage: Stage) -> list[Prompt]:
    """The prompts of a published stage, in order, for every audience."""
    return cache.get_or_set(
        _key("prompts", stage.pk),
        lambda: list(Prompt.objects.filter(stage=stage).order_by("position")),
        timeout=CACHE_SECONDS,
    )


@receiver([post_save, post_delete], sender=Journey)
@receiver([post_save, post_delete], sender=Stage)
@receiver([post_save, post_delete], sender=Prompt)
def forget_published(**kwargs) -> None:
    # ValueError: no generation yet, so nothing is cached under any.
    with suppress(ValueError):
        cache.incr(GENERATION_KEY)

"""Every named address of the site, read from the URL resolver.

Guard tests walk these instead of a hand-written list, so an address added
later is checked the day it appears.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Parameters that name journey content, which everyone may see; any other
# parameter is taken to name a person's own data.
CONTENT_PARAMETERS = {"journey_slug", "stage_slug", "prompt_id"}
# Addresses anyone may open without signing in.
PUBLIC = {
    "home",
    "favicon",
    "help",
    "privacy",
    "healthz",
    "signup",
    "login",
    "logout",
    "leave_quickly",
    "signed_out",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str
    parameters: frozenset[str]

    @property
    def takes_user_data(self) -> bool:
        return bool(self.parameters - CONTENT_PARAMETERS)


def _parameters(pattern) -> set[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return set(converters)
    return set(pattern.pattern.regex.groupindex)


def _walk(patterns, namespaces: list[str], parameters: set[str]):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, parameters | _parameters(pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = ":".join([*namespaces, pattern.name])
            yield Route(name, frozenset(parameters | _parameters(pattern)))


def site_routes() -> list[Route]:
    return sorted(set(_walk(get_resolver().url_patterns, [], set())), key=lambda r: r.name)


def content_kwargs(route: Route, journey, stage, prompt) -> dict:
    values = {"journey_slug": journey.slug, "stage_slug": stage.slug, "prompt_id": prompt.pk}
    return {name: values[name] for name in route.parameters & CONTENT_PARAMETERS}

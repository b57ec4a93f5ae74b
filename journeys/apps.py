from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        # Connects the receivers that forget cached content when an editor saves.
        from journeys import published  # noqa: F401

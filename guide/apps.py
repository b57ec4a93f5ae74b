from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"

    def ready(self) -> None:
        from guide import signals  # noqa: F401

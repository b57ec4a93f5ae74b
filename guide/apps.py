from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"

    def ready(self) -> None:
        # Connects the signals that send emails once the answer is sent.
        from guide import tasks  # noqa: F401

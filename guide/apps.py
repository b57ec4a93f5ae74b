from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "guide"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Connects the signals that send emails once the answer is sent.
        from guide import tasks  # noqa: F401
        from guide.middleware import remember_sign_in_time

        user_logged_in.connect(remember_sign_in_time, dispatch_uid="nearer-sign-in-time")

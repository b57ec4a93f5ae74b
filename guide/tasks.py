"""Work that runs after the answer has been sent: emails.

A password reset for a registered address sends an email and one for an
unknown address does not; sending it inside the request would make the
first answer slower and tell anyone timing it which addresses have an
account. The task backend below runs tasks enqueued during a request once
the response is sent (Django's `request_finished`), and at once outside a
request (a management command, a shell).
"""

import threading
from functools import partial

from django.core.mail import send_mail
from django.core.signals import request_finished, request_started
from django.tasks import task
from django.tasks.backends.immediate import ImmediateBackend
from django.template.loader import render_to_string

_request = threading.local()


class AfterResponseBackend(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        waiting = getattr(_request, "waiting", None)
        if waiting is None:
            super()._execute_task(task_result)
        else:
            waiting.append(partial(super()._execute_task, task_result))


def _start_waiting(**kwargs) -> None:
    _request.waiting = []


def _run_waiting(**kwargs) -> None:
    waiting = getattr(_request, "waiting", None) or []
    _request.waiting = None
    for run in waiting:
        run()


request_started.connect(_start_waiting, dispatch_uid="nearer-tasks-start")
request_finished.connect(_run_waiting, dispatch_uid="nearer-tasks-finish")


@task
def send_templated_email(subject_template: str, body_template: str, context: dict, to: str) -> None:
    # A failure is logged by Django (django.tasks), with its traceback.
    subject = "".join(render_to_string(subject_template, context).splitlines())
    send_mail(subject, render_to_string(body_template, context), None, [to])

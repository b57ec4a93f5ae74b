"""Keeps note text out of logs and error reports.

Reflections and check-in notes are about health and sex life. They reach the
server in POST bodies (and searches in query strings), so every error report
hides every submitted value, every local variable named like note text, and
any string that repeats a submitted value; log records are scrubbed the same
way before any handler formats them.
"""

import logging
import re
import traceback
from urllib.parse import quote, quote_plus

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

REDACTED = "[hidden]"
# Local variables that may hold note text, in any of our frames or Django's.
SENSITIVE_NAME = re.compile(
    r"(^|_)(text|texts|note|notes|body|content|data|cleaned_data|initial|search|q|query)($|_)",
    re.IGNORECASE,
)
# Request headers that carry an address with its query string (a search).
ADDRESS_HEADERS = {"QUERY_STRING", "RAW_URI", "REQUEST_URI", "HTTP_REFERER", "HTTP_HX_CURRENT_URL"}
# Shorter values are too common to hide without garbling the report.
MIN_SECRET_LENGTH = 4


def submitted_values(request: HttpRequest | None) -> list[str]:
    """Every value the person sent, longest first, so longer ones are hidden whole."""
    if request is None:
        return []
    values: set[str] = set()
    try:
        sources = [request.POST, request.GET]
    except Exception:  # a body too large or cut short: nothing was parsed from it
        sources = [request.GET]
    for params in sources:
        for _key, items in params.lists():
            for value in items:
                if isinstance(value, str):
                    # As typed, and as it appears in a URL or a request's repr.
                    values.update({value, quote_plus(value), quote(value)})
    values.add(request.META.get("QUERY_STRING", ""))
    return sorted((v for v in values if len(v.strip()) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class NoteSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST value and note-like variables, with DEBUG on or off."""

    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self._cleanse_multivaluedict(request.POST, "__ALL__")

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleanse_multivaluedict(multivaluedict, "__ALL__")

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for key in ADDRESS_HEADERS & meta.keys():
            meta[key] = self.cleansed_substitute
        return meta

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if SENSITIVE_NAME.search(name) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class NoteSafeExceptionReporter(ExceptionReporter):
    """Error pages and emails without submitted text, queries or note values."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        secrets = submitted_values(self.request)
        for frame in data["frames"]:
            if "vars" in frame:
                frame["vars"] = [(name, redact(value, secrets)) for name, value in frame["vars"]]
        if self.request is not None:
            data["request_GET_items"] = [
                (key, self.filter.cleansed_substitute) for key in self.request.GET
            ]
            data["request_insecure_uri"] = redact(
                self._get_raw_insecure_uri().split("?", 1)[0], secrets
            )
        if "exception_value" in data:
            data["exception_value"] = redact(str(data["exception_value"]), secrets)
        return data


class ScrubNoteTextFilter(logging.Filter):
    """Removes submitted text from a record before any handler formats it.

    Records about a request (Django's `django.request` errors) carry the
    request; anything it submitted is cut out of the message and the
    traceback, and the request is marked so reports built from it hide
    every POST value.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            return True
        request.sensitive_post_parameters = "__ALL__"
        secrets = submitted_values(request)
        if not secrets:
            return True
        record.msg = redact(record.getMessage(), secrets)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        return True

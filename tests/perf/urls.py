"""The site's URLs plus the baseline: bare Django on the same server and settings."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from guide.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("bare")


urlpatterns = [path("perf/bare/", bare, name="perf-bare"), *site_urlpatterns]

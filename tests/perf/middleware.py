"""Names the app server that answered, so scaleout.py can see where requests land."""

import os


def instance_header(get_response):
    name = os.environ.get("NEARER_PERF_INSTANCE", "")

    def middleware(request):
        response = get_response(request)
        response["X-Nearer-Instance"] = name
        return response

    return middleware

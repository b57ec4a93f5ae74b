"""What the W3C checker (bin/check-html, in .ci/run) would refuse, caught early."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from journeys.models import Prompt, Reflection

HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:?\d\d)")


def test_the_time_of_an_earlier_reflection_is_a_valid_html_datetime(alice_client, alice, journey):
    prompt = Prompt.objects.filter(stage__slug="accepting").first()
    Reflection.objects.create(
        user=alice,
        prompt=prompt,
        prompt_text=prompt.text,
        text="Earlier.",
        created=timezone.now() - timedelta(days=1),
    )

    content = alice_client.get(
        reverse("journeys:stage", args=[journey.slug, "accepting"])
    ).content.decode()

    values = re.findall(r'<time datetime="([^"]+)"', content)
    assert values
    for value in values:
        assert HTML_DATETIME.fullmatch(value), value

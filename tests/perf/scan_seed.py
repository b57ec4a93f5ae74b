"""A person with notes, signed in: prints their session cookie for the scan."""

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402

from journeys.models import CheckIn, Journey, Profile, Prompt, Reflection, Role  # noqa: E402

person = User.objects.create_user("scanner", password="a quiet walk by the sea")
Profile.objects.filter(user=person).update(role=Role.RECOVERING)
journey = Journey.objects.published().first()
for prompt in Prompt.objects.filter(stage__journey=journey)[:5]:
    Reflection.objects.create(
        user=person, prompt=prompt, prompt_text=prompt.text, text="Words for the scanner."
    )
CheckIn.objects.create(user=person, journey=journey, readiness=3, note="A note for the scanner.")
client = Client()
client.force_login(person)
print(client.cookies["sessionid"].value)

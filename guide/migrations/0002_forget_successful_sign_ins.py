"""Forgets the trail of successful sign-ins django-axes kept before its
access log was switched off (AXES_DISABLE_ACCESS_LOG): addresses and browsers
the privacy page never promised to keep."""

from django.db import migrations


def forget_successful_sign_ins(apps, schema_editor):
    apps.get_model("axes", "AccessLog").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0001_user_sessions"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(forget_successful_sign_ins, migrations.RunPython.noop, elidable=True),
    ]

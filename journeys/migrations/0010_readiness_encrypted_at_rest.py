"""How ready someone felt at each check-in, encrypted at rest like the note.

The answers are copied, encrypted, into a new column, which then takes the
old one's place. Going back is not offered: it would write the answers out
in plain again.
"""

import django.core.validators
from django.db import migrations

import journeys.fields


def encrypt_answers(apps, schema_editor):
    CheckIn = apps.get_model("journeys", "CheckIn")
    for pk, readiness in CheckIn.objects.values_list("pk", "readiness").iterator():
        CheckIn.objects.filter(pk=pk).update(sealed_readiness=readiness)


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0009_care_question"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="sealed_readiness",
            field=journeys.fields.EncryptedIntegerField(null=True),
        ),
        migrations.RunPython(encrypt_answers, elidable=True),
        migrations.RemoveField(model_name="checkin", name="readiness"),
        migrations.RenameField(
            model_name="checkin", old_name="sealed_readiness", new_name="readiness"
        ),
        migrations.AlterField(
            model_name="checkin",
            name="readiness",
            field=journeys.fields.EncryptedIntegerField(
                choices=[
                    (1, "Not at all ready"),
                    (2, "A little ready"),
                    (3, "Partly ready"),
                    (4, "Mostly ready"),
                    (5, "Very ready"),
                ],
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
            ),
        ),
    ]

from django.conf import settings
from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("journeys", "Profile")
    missing = User.objects.filter(profile__isnull=True).values_list("pk", flat=True)
    Profile.objects.bulk_create(Profile(user_id=pk) for pk in missing.iterator())


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_missing_profiles, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="prompt", name="unique_prompt_position"),
        migrations.AlterModelOptions(
            name="prompt",
            options={
                "ordering": ["stage", "position", "pk"],
                "verbose_name": "prompt",
                "verbose_name_plural": "prompts",
            },
        ),
    ]

from django.contrib.auth.management import create_permissions
from django.db import migrations

from journeys.editors import EDITORS, editors_group


def make_editors_group(apps, schema_editor):
    # On a fresh database the permissions are made only after every
    # migration; the group needs them now.
    journeys = apps.get_app_config("journeys")
    models_module = getattr(journeys, "models_module", None)
    journeys.models_module = True
    create_permissions(journeys, apps=apps, verbosity=0)
    journeys.models_module = models_module
    editors_group(apps)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("journeys", "0005_content_can_be_retired"),
    ]

    operations = [migrations.RunPython(make_editors_group, remove_editors_group)]

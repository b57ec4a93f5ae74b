"""The "Editors" group: staff who edit the journeys' content, and nothing else.

Made by a migration and checked again by `manage.py create_editor`, so the
group always holds exactly these permissions.
"""

EDITORS = "Editors"
CONTENT_MODELS = ["journey", "stage", "prompt"]
ACTIONS = ["add", "change", "delete", "view"]


def editors_group(apps):
    """The Editors group, made if missing, holding exactly the content
    permissions. `apps` is the app registry, or a migration's."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label="journeys", codename__in=codenames
    )
    if permissions.count() != len(codenames):
        raise LookupError("The journeys permissions are missing: run manage.py migrate.")
    group.permissions.set(permissions)
    return group

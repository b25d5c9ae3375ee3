"""Who may write what is now Django's permissions (posting needs entries.add_entry). Before,
any account could post: a Writers group (add_entry) is made for the blog owner to hand out,
and every active account that is not a superuser joins it, so that it keeps working."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def make_writers(apps, schema_editor):
    # Permissions are made after migrations run; this migration needs entries' now.
    entries = apps.get_app_config("entries")
    entries.models_module = True
    create_permissions(entries, apps=apps, verbosity=0)
    entries.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("auth", "User")
    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.add(
        Permission.objects.get(content_type__app_label="entries", codename="add_entry")
    )
    writers.user_set.add(*User.objects.filter(is_active=True, is_superuser=False))


def remove_writers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Writers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0007_entry_updated_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_writers, remove_writers)]

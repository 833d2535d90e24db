"""The porting desk's groups: agents work orders, viewers only read."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = "Porting agent"
VIEWER = "Porting viewer"
VIEW = ["view_portorder", "view_portordernumber", "view_event", "view_comment", "view_account", "view_platform"]
WORK = ["work_portorder", "reveal_portorder_secrets", "add_comment"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    viewer, _ = Group.objects.get_or_create(name=VIEWER)
    viewer.permissions.set(Permission.objects.filter(content_type__app_label="porting", codename__in=VIEW))
    agent, _ = Group.objects.get_or_create(name=AGENT)
    agent.permissions.set(Permission.objects.filter(content_type__app_label="porting", codename__in=VIEW + WORK))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[AGENT, VIEWER]).delete()


class Migration(migrations.Migration):
    dependencies = [("porting", "0002_desk"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_groups, remove_groups)]

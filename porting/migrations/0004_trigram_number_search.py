"""PostgreSQL only: trigram indexes so the desk's partial number and name searches do not scan every row."""
from django.db import migrations

INDEXES = [
    ("porting_number_phone_trgm", "porting_portordernumber", "phone_number"),
    ("porting_order_btn_trgm", "porting_portorder", "btn"),
    ("porting_order_business_trgm", "porting_portorder", "business_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("porting", "0003_desk_groups")]
    operations = [migrations.RunPython(create, drop)]

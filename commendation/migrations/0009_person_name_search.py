"""Person.name_search, stored by the database, and on PostgreSQL a trigram index on it:
searching 5.6 million people by name must not read them all."""

import django.db.models.functions.text
from django.db import migrations, models

import core.expressions

INDEX = "person_name_search_trgm"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON commendation_person"
        " USING gin (name_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("commendation", "0008_person_result_decision_nominee_initiative_quota_allowance"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_search",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    models.Value(" "), core.expressions.SearchKey("full_name")
                ),
                output_field=models.CharField(max_length=201),
            ),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]

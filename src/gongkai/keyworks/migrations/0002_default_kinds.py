"""The default kinds of key work and their stages (keyworks.kinds), as rows of no organisation.

The data is read from keyworks.kinds (plain dataclasses, no models), so the module and the rows agree; a later
change to the defaults comes with a migration of its own."""

from django.db import migrations

def load(apps, schema_editor):
    from gongkai.keyworks.kinds import DEFAULT_KINDS

    WorkKind = apps.get_model("keyworks", "WorkKind")
    KindStage = apps.get_model("keyworks", "KindStage")
    for n, spec in enumerate(DEFAULT_KINDS):
        kind, created = WorkKind.objects.get_or_create(
            organisation=None,
            code=spec.code,
            defaults={"name": spec.name, "description": spec.description, "sort_order": n * 10},
        )
        if not created:
            continue
        KindStage.objects.bulk_create(
            KindStage(
                kind=kind,
                name=stage.name,
                category=stage.category,
                sort_order=i * 10,
                rule=stage.rule,
                rule_days=stage.days,
                basis=stage.basis,
                note=stage.note,
            )
            for i, stage in enumerate(spec.stages)
        )


def unload(apps, schema_editor):
    apps.get_model("keyworks", "WorkKind").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("keyworks", "0001_key_works_and_kinds")]

    operations = [migrations.RunPython(load, unload)]

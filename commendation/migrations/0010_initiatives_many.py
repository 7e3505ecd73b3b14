"""An award may hold several initiatives and a nominee may cite several (a form may ask for
two: each counts once, Luật Thi đua, khen thưởng 2022). Award.initiative (one-to-one) becomes
Initiative.award (the award that used it), Nominee.initiative (one) becomes
Nominee.initiatives (many); the links are copied both ways, set-based."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef, Subquery


def _settle(schema_editor) -> None:
    # PostgreSQL checks these foreign keys at commit (DEFERRABLE INITIALLY DEFERRED): check the
    # rows written here now, or dropping the old columns' constraints below may be refused
    # ("cannot ALTER TABLE ... because it has pending trigger events").
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.connection.check_constraints()


def copy_forward(apps, schema_editor):
    """Award.initiative → Initiative.award; Nominee.initiative → Nominee.initiatives."""
    db = schema_editor.connection.alias
    Award = apps.get_model("commendation", "Award")
    Initiative = apps.get_model("commendation", "Initiative")
    Nominee = apps.get_model("commendation", "Nominee")
    Cited = Nominee._meta.get_field("initiatives").remote_field.through
    holder = Award.objects.using(db).filter(initiative_id=OuterRef("pk"))
    Initiative.objects.using(db).filter(Exists(holder)).update(
        award_id=Subquery(holder.values("pk")[:1])
    )
    pairs = (
        Nominee.objects.using(db)
        .filter(initiative__isnull=False)
        .order_by("pk")
        .values_list("pk", "initiative_id")
    )
    Cited.objects.using(db).bulk_create(
        [Cited(nominee_id=nominee, initiative_id=initiative) for nominee, initiative in pairs],
        batch_size=1000,
    )
    _settle(schema_editor)


def copy_backward(apps, schema_editor):
    """The reverse, refused (nothing changed) when an award holds or a nominee cites more than
    one initiative: the old columns hold one, and a link dropped silently would let an
    initiative count twice."""
    db = schema_editor.connection.alias
    Award = apps.get_model("commendation", "Award")
    Initiative = apps.get_model("commendation", "Initiative")
    Nominee = apps.get_model("commendation", "Nominee")
    Cited = Nominee._meta.get_field("initiatives").remote_field.through
    awards = (
        Initiative.objects.using(db)
        .filter(award__isnull=False)
        .values("award_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    nominees = (
        Cited.objects.using(db).values("nominee_id").annotate(n=Count("pk")).filter(n__gt=1)
    ).count()
    if awards or nominees:
        raise RuntimeError(
            f"Không thể quay lại 0009: {awards} khen thưởng giữ và {nominees} người được đề "
            "nghị nêu nhiều hơn một sáng kiến (trước 0010 mỗi khen thưởng, mỗi người chỉ một)."
        )
    used = Initiative.objects.using(db).filter(award_id=OuterRef("pk"))
    Award.objects.using(db).filter(Exists(used)).update(
        initiative_id=Subquery(used.values("pk")[:1])
    )
    cited = Cited.objects.using(db).filter(nominee_id=OuterRef("pk"))
    Nominee.objects.using(db).filter(Exists(cited)).update(
        initiative_id=Subquery(cited.values("initiative_id")[:1])
    )
    _settle(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("commendation", "0009_person_name_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="award",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Một sáng kiến chỉ dùng cho một danh hiệu hoặc hình thức khen thưởng.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="initiatives",
                to="commendation.award",
                verbose_name="khen thưởng đã dùng sáng kiến",
            ),
        ),
        migrations.AddField(
            model_name="nominee",
            name="initiatives",
            field=models.ManyToManyField(
                blank=True,
                related_name="nominations",
                to="commendation.initiative",
                verbose_name="sáng kiến dùng cho đề nghị",
            ),
        ),
        migrations.RunPython(copy_forward, copy_backward),
        migrations.RemoveField(model_name="award", name="initiative"),
        migrations.RemoveField(model_name="nominee", name="initiative"),
    ]

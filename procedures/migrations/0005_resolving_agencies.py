# A procedure resolved by another agency names one per province (liên thông): the single
# resolving agency becomes a set, its value copied before the column goes.

from django.db import migrations, models


def copy_resolving_agency(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.exclude(resolving_agency=None):
        procedure.resolving_agencies.add(procedure.resolving_agency_id)


def restore_resolving_agency(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.all():
        first = procedure.resolving_agencies.order_by("pk").first()
        if first is not None:
            Procedure.objects.filter(pk=procedure.pk).update(resolving_agency=first)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_requireddocument_alternative_group_is_declaration"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="resolving_agencies",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "Cơ quan giải quyết hồ sơ khi khác cơ quan tiếp nhận (liên thông), mỗi tỉnh "
                    "một cơ quan. Để trống khi chính cơ quan tiếp nhận giải quyết hồ sơ."
                ),
                related_name="resolved_procedures",
                to="procedures.agency",
                verbose_name="cơ quan giải quyết",
            ),
        ),
        migrations.RunPython(copy_resolving_agency, restore_resolving_agency),
        migrations.RemoveField(model_name="procedure", name="resolving_agency"),
    ]

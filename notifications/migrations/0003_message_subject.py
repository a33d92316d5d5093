# The outbox names what a message is about without a foreign key into the dossiers app: a subject
# ("app_label.model", id) and a human reference, copied from the dossier link it replaces.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_dossier_links(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Dossier = apps.get_model("dossiers", "Dossier")
    Message.objects.filter(dossier__isnull=False).update(
        subject_type="dossiers.dossier",
        subject_id=models.F("dossier_id"),
        reference=Subquery(Dossier.objects.filter(pk=OuterRef("dossier_id")).values("code")[:1]),
    )


def restore_dossier_links(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message.objects.filter(subject_type="dossiers.dossier").update(dossier_id=models.F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_supplement_to_review_index"),
        ("notifications", "0002_requeue_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="subject_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="loại đối tượng"),
        ),
        migrations.AddField(
            model_name="message",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="mã đối tượng"),
        ),
        migrations.AddField(
            model_name="message",
            name="reference",
            field=models.CharField(blank=True, max_length=100, verbose_name="tham chiếu"),
        ),
        migrations.RunPython(copy_dossier_links, restore_dossier_links),
        migrations.RemoveField(model_name="message", name="dossier"),
        migrations.RemoveField(model_name="message", name="event"),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["subject_type", "subject_id"], name="message_subject"),
        ),
    ]

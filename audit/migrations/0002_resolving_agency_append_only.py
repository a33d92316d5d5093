"""The resolving agency on each record (filled from the dossiers for the rows already written),
and on PostgreSQL a trigger that makes the table append-only below the ORM too."""

import django.db.models.deletion
from django.db import migrations, models

# Any UPDATE or DELETE of a row is refused, except the one Django issues when an account is
# deleted (AccessRecord.user is SET_NULL): `user_id` becomes NULL and nothing else changes.
# Comparing the rows as JSON without `user_id` keeps the rule true for columns added later.
# TRUNCATE is not covered (a row trigger does not fire on it; the test suite's flush uses it).
APPEND_ONLY = """
CREATE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND to_jsonb(NEW) - 'user_id' = to_jsonb(OLD) - 'user_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Nhật ký truy cập không được sửa hoặc xoá (%).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessrecord_append_only
    BEFORE UPDATE OR DELETE ON audit_accessrecord
    FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_accessrecord_append_only ON audit_accessrecord;
DROP FUNCTION IF EXISTS audit_accessrecord_append_only();
"""


def resolving_agencies_fill(apps, schema_editor):
    AccessRecord = apps.get_model("audit", "AccessRecord")
    Dossier = apps.get_model("dossiers", "Dossier")
    resolving = models.Subquery(
        Dossier.objects.filter(pk=models.OuterRef("subject_id")).values("resolving_agency_id")
    )
    AccessRecord.objects.filter(subject_type="dossiers.dossier").update(
        resolving_agency_id=resolving
    )


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("dossiers", "0011_legal_due_and_appointment"),
        ("procedures", "0006_agency_hours_deadline_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrecord",
            name="resolving_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procedures.agency",
                verbose_name="cơ quan giải quyết",
            ),
        ),
        migrations.RunPython(resolving_agencies_fill, migrations.RunPython.noop),
        migrations.RunPython(trigger_create, trigger_drop),
    ]

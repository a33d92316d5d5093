"""Load the demo catalogue from fixtures/demo/*.json. Idempotent: keyed by official codes."""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.pagecache import catalogue_changed
from procedures.models import Agency, FeeRule, Field, FormField, Procedure, RequiredDocument
from procedures.services import required_documents_check


def _load_json(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_agencies(rows: list[dict]) -> dict[str, int]:
    """Create or update the agencies in `rows` (parents first); return counts."""
    created = 0
    by_code = {}
    for row in rows:
        defaults = {
            "name": row["name"],
            "tier": row["tier"],
            "parent": by_code[row["parent"]] if row.get("parent") else None,
            "address": row.get("address", ""),
            "phone": row.get("phone", ""),
            "email": row.get("email", ""),
            "weekday_sessions": row.get("weekday_sessions", "07:00-11:30, 13:30-17:00"),
            "saturday_sessions": row.get("saturday_sessions", ""),
            # Pre-reform units stay for the history of their dossiers but take no new ones.
            "is_active": row.get("is_active", True),
        }
        agency = Agency.objects.filter(code=row["code"]).first()
        if agency is None:
            agency = Agency(code=row["code"], **defaults)
            agency.full_clean()
            agency.save()
            created += 1
        elif any(getattr(agency, key) != value for key, value in defaults.items()):
            for key, value in defaults.items():
                setattr(agency, key, value)
            agency.full_clean()
            agency.save()
        by_code[row["code"]] = agency
    return {"agencies": len(rows), "agencies_created": created}


def _sync_children(procedure, model, related_name, rows, build, check=None):
    """Replace the rows of `related_name` when they differ from `rows`; keep them otherwise.

    `check`, if given, validates the rows together (a rule across rows, which full_clean on each
    row cannot see) before anything is written."""
    wanted = [build(index, row) for index, row in enumerate(rows, start=1)]
    if check is not None:
        check(wanted)
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "procedure")]
    current = [
        {name: getattr(obj, name) for name in fields}
        for obj in getattr(procedure, related_name).order_by("order", "pk")
    ]
    desired = [{name: getattr(obj, name) for name in fields} for obj in wanted]
    if current == desired:
        return False
    getattr(procedure, related_name).all().delete()
    for obj in wanted:
        obj.procedure = procedure
        obj.full_clean()
    model.objects.bulk_create(wanted)
    return True


@transaction.atomic
def load_procedures(data: dict) -> dict[str, int]:
    """Create or update fields and procedures from `data`; return counts."""
    fields = {}
    for order, row in enumerate(data["fields"], start=1):
        field, _ = Field.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "order": row.get("order", order)}
        )
        fields[row["code"]] = field
    agencies = {a.code: a for a in Agency.objects.all()}
    created = changed = 0
    for row in data["procedures"]:
        processing = row["processing"]
        values = {
            "name": row["name"],
            "field": fields[row["field"]],
            "level": row["level"],
            "resolving_authority": row.get("resolving_authority", ""),
            "applicants": row.get("applicants", ""),
            "conditions": row.get("conditions", ""),
            "steps": "\n".join(row.get("steps", [])),
            "processing_time_kind": processing["kind"],
            "processing_days": processing.get("days", 0),
            "processing_note": processing.get("note", ""),
            "legal_basis": "\n".join(row.get("legal_basis", [])),
            "result": row.get("result", ""),
            "delivery_options": row.get("delivery", []),
            "fee_note": row.get("fee_note", ""),
            "usage_count": row.get("usage_count", 0),
            "effective_from": datetime.date.fromisoformat(row["effective_from"])
            if row.get("effective_from")
            else None,
        }
        procedure = Procedure.objects.filter(code=row["code"]).first()
        dirty = False
        if procedure is None:
            procedure = Procedure(code=row["code"], **values)
            created += 1
            dirty = True
        elif any(getattr(procedure, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(procedure, key, value)
            dirty = True
        if dirty:
            procedure.full_clean()
            procedure.save()

        receiving = {
            a.pk
            for a in agencies.values()
            if a.tier in row.get("receiving_tiers", []) or a.code in row.get("receiving_codes", [])
        }
        if set(procedure.receiving_agencies.values_list("pk", flat=True)) != receiving:
            procedure.receiving_agencies.set(receiving)
            dirty = True
        resolving = {agencies[code].pk for code in row.get("resolving_codes", [])}
        if set(procedure.resolving_agencies.values_list("pk", flat=True)) != resolving:
            procedure.resolving_agencies.set(resolving)
            dirty = True

        dirty |= _sync_children(
            procedure,
            FeeRule,
            "fees",
            row.get("fees", []),
            lambda i, f: FeeRule(
                order=i,
                label=f.get("label") or "Lệ phí",
                kind=f["kind"],
                amount=f.get("amount") or 0,
                pages_at_amount=f.get("pages_at_amount"),
                amount_after=f.get("amount_after"),
                cap=f.get("cap"),
                online_amount=f.get("online_amount"),
                note=f.get("note", ""),
            ),
        )
        dirty |= _sync_children(
            procedure,
            RequiredDocument,
            "documents",
            row.get("documents", []),
            lambda i, d: RequiredDocument(
                order=i,
                name=d["name"],
                copy_type=d["copy_type"],
                copies=d.get("copies", 1),
                is_required=d.get("required", True),
                condition=d.get("condition", ""),
                alternative_group=d.get("alternative_group"),
                is_declaration=d.get("declaration", False),
            ),
            check=lambda documents: required_documents_check(documents=documents),
        )
        dirty |= _sync_children(
            procedure,
            FormField,
            "form_fields",
            row.get("form", []),
            lambda i, f: FormField(
                order=i,
                section=f.get("section", ""),
                name=f["name"],
                label=f["label"],
                field_type=f["type"],
                required=f.get("required", False),
                choices="\n".join(f.get("choices", [])),
                help_text=f.get("help_text", ""),
                applicant=f.get("applicant", ""),
            ),
        )
        if dirty:
            changed += 1
            # Any change to a procedure or its parts is a new version of its published data.
            Procedure.objects.filter(pk=procedure.pk).update(updated_at=timezone.now())
    if changed:
        catalogue_changed()  # the bulk writes above send no signals
    return {
        "procedures": len(data["procedures"]),
        "procedures_created": created,
        "changed": changed,
    }


def load_saturday_fields(rows: list[dict]) -> None:
    """The fields an agency receives on Saturday mornings, once the fields exist."""
    fields = {field.code: field for field in Field.objects.all()}
    for row in rows:
        agency = Agency.objects.get(code=row["code"])
        wanted = {fields[code] for code in row.get("saturday_fields", [])}
        if set(agency.saturday_fields.all()) != wanted:
            agency.saturday_fields.set(wanted)


def load_demo_catalogue(directory: Path) -> dict[str, int]:
    agencies = _load_json(directory / "agencies.json")
    counts = load_agencies(agencies)
    counts.update(load_procedures(_load_json(directory / "procedures.json")))
    load_saturday_fields(agencies)
    return counts

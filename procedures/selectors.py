"""Reads of the catalogue. Each returns a queryset or values with a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from core.pagecache import catalogue_version
from procedures.constants import AgencyTier, ServiceLevel
from procedures.models import Agency, Field, FormField, Procedure, RequiredDocument
from procedures.text import fold

PARTS_SECONDS = 60


def procedure_active_list() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).select_related("field")


@dataclass(frozen=True)
class CatalogueFilter:
    query: str = ""
    agency: Agency | None = None
    field: Field | None = None
    level: int | None = None
    online_only: bool = False


def procedure_search(*, filters: CatalogueFilter) -> QuerySet[Procedure]:
    """Return active procedures matching `filters`, best matches first.

    The query ignores diacritics and case. Every word must occur in the name or the code; a
    procedure whose name contains the whole phrase ranks first, then one whose name starts with it,
    then the rest; most used first within a rank.
    """
    procedures = procedure_active_list()
    if filters.agency is not None:
        # The subtree's ids first: a join on the path prefix makes PostgreSQL probe every
        # receiving row of the province (tens of thousands) twice per page. Active units only:
        # a pre-reform district still named as a receiver takes no new dossiers.
        subtree = list(
            Agency.objects.filter(path__startswith=filters.agency.path, is_active=True).values_list(
                "pk", flat=True
            )
        )
        receives = Procedure.receiving_agencies.through.objects.filter(
            procedure=OuterRef("pk"), agency_id__in=subtree
        )
        procedures = procedures.filter(Exists(receives))
    if filters.field is not None:
        procedures = procedures.filter(field=filters.field)
    if filters.level is not None:
        procedures = procedures.filter(level=filters.level)
    elif filters.online_only:
        procedures = procedures.filter(level__gte=ServiceLevel.PARTIAL)

    phrase = fold(filters.query)
    if not phrase:
        return procedures.order_by("-usage_count", "name")
    for word in phrase.split():
        procedures = procedures.filter(Q(search_name__contains=word) | Q(code__startswith=word))
    rank = Case(
        When(code=phrase, then=Value(0)),
        When(search_name__startswith=phrase, then=Value(1)),
        When(search_name__contains=phrase, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank).order_by("rank", "-usage_count", "name")


def field_list_with_counts() -> QuerySet[Field]:
    """Return the fields that have active procedures, each with `procedure_count`."""
    return (
        Field.objects.annotate(
            procedure_count=Count("procedures", filter=Q(procedures__is_active=True))
        )
        .filter(procedure_count__gt=0)
        .order_by("order", "name")
    )


def procedure_most_used(*, limit: int = 8) -> QuerySet[Procedure]:
    return procedure_active_list().order_by("-usage_count", "name")[:limit]


def procedure_level_counts() -> dict[int, int]:
    rows = Procedure.objects.filter(is_active=True).values_list("level").annotate(n=Count("pk"))
    return dict(rows)


def province_list() -> QuerySet[Agency]:
    return Agency.objects.filter(tier=AgencyTier.PROVINCE, is_active=True).order_by("name")


def agency_receiving_units(*, province_code: str) -> QuerySet[Agency]:
    """Return the units of a province that receive dossiers: its own offices and its wards."""
    return (
        Agency.objects.filter(province__code=province_code, is_active=True)
        .exclude(code=province_code)
        .filter(
            Q(tier__in=[AgencyTier.COMMUNE, AgencyTier.DISTRICT]) | Q(parent__code=province_code)
        )
        .order_by("tier", "name")
    )


def procedure_detail(*, code: str) -> Procedure | None:
    """Return the active procedure with `code`, with everything its page shows prefetched."""
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("field")
        .prefetch_related("documents", "fees", "form_fields")
        .first()
    )


RECEIVING_AGENCIES_SHOWN = 12


def procedure_receiving_summary(*, procedure: Procedure) -> dict:
    """Return a bounded view of who receives `procedure`: a few agencies and counts per province."""
    agencies = procedure.receiving_agencies.filter(is_active=True)
    shown = list(
        agencies.select_related("province").order_by("path")[: RECEIVING_AGENCIES_SHOWN + 1]
    )
    per_province = list(
        agencies.values("province__code", "province__name")
        .annotate(count=Count("pk"))
        .order_by("province__name")
    )
    return {
        "agencies": shown[:RECEIVING_AGENCIES_SHOWN],
        "more": len(shown) > RECEIVING_AGENCIES_SHOWN,
        "per_province": per_province,
        "total": sum(row["count"] for row in per_province),
    }


@dataclass(frozen=True)
class DocumentRequirement:
    """One item of a dossier's documents: a single document, or an alternative group of which
    any one document will do."""

    documents: tuple[RequiredDocument, ...]

    @property
    def is_choice(self) -> bool:
        return len(self.documents) > 1

    @property
    def is_required(self) -> bool:
        # The admin keeps a group's members alike (procedures.services.required_documents_check);
        # "any" keeps a group required should one member still be marked otherwise.
        return any(document.is_required for document in self.documents)

    def satisfied_by(self, attached: set[int]) -> bool:
        """Whether one of the documents is among the `attached` document ids."""
        return any(document.pk in attached for document in self.documents)


def document_requirements(documents: Iterable[RequiredDocument]) -> list[DocumentRequirement]:
    """Return `documents` (in their order) as requirements: the members of an alternative group
    together, at the place of the group's first member."""
    requirements: list[list[RequiredDocument]] = []
    groups: dict[int, list[RequiredDocument]] = {}
    for document in documents:
        if document.alternative_group is None:
            requirements.append([document])
        elif document.alternative_group in groups:
            groups[document.alternative_group].append(document)
        else:
            groups[document.alternative_group] = [document]
            requirements.append(groups[document.alternative_group])
    return [DocumentRequirement(tuple(members)) for members in requirements]


@dataclass(frozen=True)
class ProcedureParts:
    fields: list[FormField]
    documents: list[RequiredDocument]

    @property
    def online_declarations(self) -> list[RequiredDocument]:
        """The declaration documents an online dossier does not upload: the citizen fills them
        in the wizard's declaration step. None when the procedure has no online declaration."""
        if not self.fields:
            return []
        return [document for document in self.documents if document.is_declaration]

    @property
    def uploads(self) -> list[RequiredDocument]:
        """The documents an online dossier attaches as files."""
        online = {document.pk for document in self.online_declarations}
        return [document for document in self.documents if document.pk not in online]

    @property
    def upload_requirements(self) -> list[DocumentRequirement]:
        return document_requirements(self.uploads)


def procedure_parts(procedure: Procedure) -> ProcedureParts:
    """The declaration's fields and the required documents of `procedure`, in order: two queries,
    then none while the catalogue keeps its version (each worker's memory, PARTS_SECONDS at most,
    so an edit shows within pagecache.VERSION_SECONDS). Kept on the instance too, so that the
    several readers of one request (a submission has four) unpickle them once."""
    key = f"parts:{catalogue_version()}:{procedure.pk}"
    kept = procedure.__dict__.get("_parts")
    if kept is not None and kept[0] == key:
        return kept[1]
    parts = caches["local"].get(key)
    if parts is None:
        parts = ProcedureParts(list(procedure.form_fields.all()), list(procedure.documents.all()))
        caches["local"].set(key, parts, PARTS_SECONDS)
    procedure._parts = (key, parts)
    return parts


def applicant_values(procedure: Procedure, declaration: dict) -> dict[str, str]:
    """What a declaration says of the applicant: role (ApplicantRole) -> the text entered in the
    field the procedure marks with it; roles with no marked field, or left blank, are absent."""
    values = {}
    for definition in procedure_parts(procedure).fields:
        value = declaration.get(definition.name)
        if definition.applicant and value not in (None, ""):
            values[definition.applicant] = str(value).strip()
    return values


def procedure_resolving_agency(*, procedure: Procedure, agency: Agency) -> Agency | None:
    """The agency that resolves `procedure`'s dossiers received by `agency`: the procedure's
    resolving agency in the same province (liên thông), or None when `agency` resolves them."""
    return (
        procedure.resolving_agencies.filter(province_id=agency.province_id, is_active=True)
        .exclude(pk=agency.pk)
        .order_by("path")
        .first()
    )

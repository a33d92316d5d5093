"""Stored files no row refers to: found by walking the storage, removed after a grace period.

A file can outlive its row's transaction: a worker killed between writing a file and committing
the row that names it, a rollback no cleanup saw. Such files hold personal data and nobody's
record; this finds them through the Storage API alone (listdir, get_modified_time, delete), so
that it works on the local disk and on object storage alike.

Which files are referenced is read from every FileField of every installed model, found in the
app registry: a new model storing files is covered without being named here (core knows no app).
"""

import datetime
import logging
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)
# An upload is stored before the row naming it is committed (a draft's file, a receipt rendered
# for an email): a file this young may be in flight, and is kept whatever the rows say.
GRACE = datetime.timedelta(days=1)
# Names checked per statement. The file columns have no index: each statement scans the tables
# once, so fewer, larger batches; 2,000 names × 7 fields stays under SQLite's 32,766 parameters.
BATCH = 2000


def file_fields() -> list[models.FileField]:
    """Every FileField (ImageField included) of every installed, concrete model."""
    return [
        field
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def stored_files_purge_orphans(
    *,
    grace: datetime.timedelta = GRACE,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Delete the stored files no row refers to and older than `grace`; return their names.

    Each storage the file fields use is walked (the default one, and any a field names), and in
    it only the folders its fields store into (the first segment of their names), not the whole
    storage: whatever else shares it is not ours to judge. A name is kept if any file field of
    any model holds it. `dry_run` lists what would go and deletes nothing.
    """
    before = (now or timezone.now()) - grace
    fields = file_fields()
    removed: list[str] = []
    for storage, own in _by_storage(fields):
        batch: list[str] = []
        for name in _walk(storage, roots=_roots(own)):
            batch.append(name)
            if len(batch) >= BATCH:
                removed += _purge(storage, batch, fields, before=before, dry_run=dry_run)
                batch = []
        if batch:
            removed += _purge(storage, batch, fields, before=before, dry_run=dry_run)
    logger.info(
        "%s %s stored files no row refers to", "Found" if dry_run else "Removed", len(removed)
    )
    return removed


def _by_storage(
    fields: list[models.FileField],
) -> list[tuple[Storage, list[models.FileField]]]:
    """The fields grouped by the storage they write to (most share `default_storage`)."""
    groups: dict[int, tuple[Storage, list[models.FileField]]] = {}
    for field in fields:
        groups.setdefault(id(field.storage), (field.storage, []))[1].append(field)
    return list(groups.values())


def _purge(
    storage: Storage,
    names: list[str],
    fields: list[models.FileField],
    *,
    before: datetime.datetime,
    dry_run: bool,
) -> list[str]:
    referenced = _referenced(names, fields)
    removed = []
    for name in names:
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) >= before:
                continue  # young: its row may not be committed yet
            if not dry_run:
                storage.delete(name)
        except FileNotFoundError:  # deleted meanwhile (a draft purged, a copy replaced)
            continue
        logger.info("Stored file %s: no row refers to it%s", name, "" if dry_run else "; removed")
        removed.append(name)
    return removed


def _referenced(names: list[str], fields: list[models.FileField]) -> set[str]:
    """Which of `names` a row refers to, read in one statement.

    One statement is one snapshot: a transaction that moves a name from one row to another (a
    draft's file becoming the dossier's document) is seen either before or after, never half
    way, when the name would be in neither row.
    """
    queries = [
        field.model._base_manager.filter(**{f"{field.attname}__in": names})
        .order_by()  # a model's default ordering is not allowed in a UNION's parts
        .values_list(field.attname, flat=True)
        for field in fields
    ]
    if not queries:
        return set()
    return set(queries[0].union(*queries[1:]))


def _roots(fields: list[models.FileField]) -> set[str]:
    """The top folders the fields store into ("" if one stores at the top: all is walked).

    A field's upload_to is a path ("receipts/%Y/%m/") or a function, called here with no
    instance; a function that needs one gives its folders by the names its rows hold.
    """
    roots = set()
    for field in fields:
        if not callable(field.upload_to):
            roots.add(_top(field.upload_to))
            continue
        try:
            roots.add(_top(field.upload_to(None, "x.bin")))
        except Exception:
            names = field.model._base_manager.exclude(**{field.attname: ""}).values_list(
                field.attname, flat=True
            )
            roots.update(_top(name) for name in names.iterator() if name)
    return {""} if "" in roots else roots


def _top(name: str) -> str:
    top = name.split("/", 1)[0] if "/" in name else ""
    return "" if "%" in top else top  # a dated top folder ("%Y/"): walk all


def _walk(storage: Storage, *, roots: set[str]) -> Iterator[str]:
    for root in sorted(roots):
        yield from _walk_folder(storage, root)


def _walk_folder(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored there yet
        return
    prefix = f"{folder}/" if folder else ""
    for file in sorted(files):
        yield prefix + file
    for child in sorted(folders):
        yield from _walk_folder(storage, prefix + child)

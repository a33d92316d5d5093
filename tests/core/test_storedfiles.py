"""The periodic removal of stored files no row refers to (core.storedfiles)."""

import datetime
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from core.storedfiles import file_fields, stored_files_purge_orphans
from dossiers.models import Dossier, DossierDocument, DraftFile, Proposal
from procedures.models import RequiredDocument
from tests.dossiers.factories import DossierFactory, complete_draft, submitted

# Every field that stores a file. Deleting a file a row refers to would destroy a legal record:
# a new FileField must be added here, and its kind kept by the test below.
FILE_FIELDS = {
    ("dossiers.draftfile", "file"),
    ("dossiers.dossierdocument", "file"),
    ("dossiers.dossier", "result_file"),
    ("dossiers.dossier", "confirmation"),
    ("dossiers.dossier", "receipt"),
    ("dossiers.proposal", "draft"),
    ("procedures.requireddocument", "template"),
}


def stored(name: str, *, days_old: float) -> str:
    """Store a file under `name` (or the name the storage gives it), modified `days_old` ago."""
    name = default_storage.save(name, ContentFile(b"%PDF-1.7 test"))
    moment = time.time() - days_old * 86400
    os.utime(default_storage.path(name), (moment, moment))  # the test's local storage
    return name


def test_every_file_field_is_known():
    assert {(f.model._meta.label_lower, f.name) for f in file_fields()} == FILE_FIELDS


@pytest.mark.django_db
def test_old_orphans_go_referenced_and_young_files_stay(catalogue, caplog, monkeypatch):
    monkeypatch.setattr("core.storedfiles.BATCH", 3)  # several batches, as a real storage has
    khai_sinh, long_bien = catalogue["khai_sinh"], catalogue["long_bien"]
    dossier = submitted(khai_sinh, long_bien)
    draft = complete_draft(khai_sinh, long_bien)  # a draft being written: its files are kept
    resolved = DossierFactory(resolved=True)
    template_document = RequiredDocument.objects.filter(procedure=khai_sinh).first()
    referenced = {
        "draft file": (DraftFile, draft.files.first().pk, "file", "uploads/aa/draft.pdf"),
        "document": (
            DossierDocument,
            dossier.documents.first().pk,
            "file",
            "uploads/bb/document.pdf",
        ),
        "result": (Dossier, resolved.pk, "result_file", "uploads/cc/result.pdf"),
        "confirmation": (Dossier, dossier.pk, "confirmation", "receipts/2026/11/a-xac-nhan.pdf"),
        "receipt": (Dossier, resolved.pk, "receipt", "receipts/2026/11/b.pdf"),
        "proposal draft": (
            Proposal,
            resolved.proposals.first().pk,
            "draft",
            "uploads/dd/proposal.pdf",
        ),
        "form template": (
            RequiredDocument,
            template_document.pk,
            "template",
            f"procedures/{khai_sinh.code}/templates/to-khai.docx",
        ),
    }
    kept = []
    for model, pk, field, name in referenced.values():
        name = stored(name, days_old=30)
        model.objects.filter(pk=pk).update(**{field: name})
        kept.append(name)
    assert len(referenced) == len(FILE_FIELDS)
    kept += [stored("uploads/ee/young.pdf", days_old=0.5), stored("receipts/young.pdf", days_old=0)]
    # Beside the folders file fields store into: not ours to judge.
    kept.append(stored("static/old.css", days_old=30))
    orphans = [
        stored("uploads/ee/orphan.pdf", days_old=2),
        stored("receipts/2026/10/000.01.00.H26-261001-0001-xac-nhan_AbCdEf1.pdf", days_old=40),
        stored(f"procedures/{khai_sinh.code}/templates/old.docx", days_old=3),
    ]
    all_files = set(kept) | set(orphans) | _every_file()

    assert sorted(stored_files_purge_orphans(dry_run=True)) == sorted(orphans)
    assert _every_file() == all_files  # a dry run deletes nothing

    with caplog.at_level("INFO", logger="core.storedfiles"):
        assert sorted(stored_files_purge_orphans()) == sorted(orphans)
    assert _every_file() == all_files - set(orphans)
    for name in kept:
        assert default_storage.exists(name), name
    assert all(any(name in line for line in caplog.messages) for name in orphans)
    assert stored_files_purge_orphans() == []  # safe to run twice


@pytest.mark.django_db
def test_the_command_lists_then_removes(catalogue):
    orphan = stored("uploads/ff/orphan.pdf", days_old=2)
    young = stored("uploads/ff/young.pdf", days_old=0.5)
    out = io.StringIO()
    call_command("files_purge_orphans", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and young not in out.getvalue()
    assert default_storage.exists(orphan)

    call_command("files_purge_orphans", "--grace-hours", "6", stdout=out)
    assert not default_storage.exists(orphan) and not default_storage.exists(young)


def _every_file() -> set[str]:
    root = default_storage.location
    return {
        os.path.relpath(os.path.join(folder, file), root).replace(os.sep, "/")
        for folder, _, files in os.walk(root)
        for file in files
    }


def test_grace_is_a_day():
    from core.storedfiles import GRACE

    assert datetime.timedelta(hours=12) < GRACE <= datetime.timedelta(days=2)


@pytest.mark.django_db
def test_a_field_with_a_storage_of_its_own_is_walked_there(catalogue, monkeypatch, tmp_path):
    """As a field given object storage would be (the default storage elsewhere)."""
    from django.core.files.storage import FileSystemStorage

    other = FileSystemStorage(location=tmp_path / "other")
    monkeypatch.setattr(RequiredDocument._meta.get_field("template"), "storage", other)
    document = RequiredDocument.objects.filter(procedure=catalogue["khai_sinh"]).first()
    names = []
    for name in ("procedures/x/templates/kept.docx", "procedures/x/templates/orphan.docx"):
        name = other.save(name, ContentFile(b"PK"))
        os.utime(other.path(name), (time.time() - 3 * 86400,) * 2)
        names.append(name)
    RequiredDocument.objects.filter(pk=document.pk).update(template=names[0])

    assert stored_files_purge_orphans() == [names[1]]
    assert other.exists(names[0]) and not other.exists(names[1])

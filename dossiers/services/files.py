"""Files a service stores: under generated names, and removed again if the service fails."""

from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dossiers.models import upload_path
from dossiers.uploads import CheckedUpload


def store(checked: CheckedUpload, stored: list[str]) -> str:
    """Save an upload under a generated name; remember it in `stored`."""
    name = default_storage.save(upload_path(None, f"x.{checked.extension}"), checked.upload)
    stored.append(name)
    return name


def store_content(content: bytes, extension: str, stored: list[str]) -> str:
    """Save bytes the service made (a stamped PDF) under a generated name; remember it."""
    name = default_storage.save(upload_path(None, f"x.{extension}"), ContentFile(content))
    stored.append(name)
    return name


@contextmanager
def files_removed_on_failure():
    """Delete the files stored inside the block if the block fails: no orphan files."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise

"""Checking uploaded files by what they contain, not by what they are called."""

import zipfile
from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, JPEG, PNG, DOCX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
)
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    extension: str
    size: int

    @property
    def name(self) -> str:
        return (self.upload.name or "tep")[-255:]


def accepted_types(document=None) -> dict:
    """Return the types a slot accepts: PDF, JPEG and PNG; DOCX too where the template is DOCX."""
    types = [PDF, JPEG, PNG]
    if document is not None and document.template_extension == "docx":
        types.append(DOCX)
    extensions = [".pdf", ".jpg", ".jpeg", ".png"] + ([".docx"] if DOCX in types else [])
    return {
        "types": types,
        "extensions": extensions,
        "label": ", ".join(e[1:].upper() for e in extensions if e != ".jpeg"),
    }


def sniff(upload: UploadedFile) -> str | None:
    """Return the content type that the file's first bytes prove, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
    return None


def inspect(upload: UploadedFile, *, max_mb: int, document=None) -> CheckedUpload:
    """Return `upload` checked for `document`'s slot (or any slot), or raise a ValidationError
    in Vietnamese."""
    accepted = accepted_types(document)
    if upload.size == 0:
        raise forms.ValidationError(
            _("Tệp “%(name)s” rỗng.") % {"name": upload.name}, code="empty_file"
        )
    if upload.size > max_mb * 1024 * 1024:
        raise forms.ValidationError(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s MB mỗi tệp.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": max_mb},
            code="file_too_large",
        )
    content_type = sniff(upload)
    if content_type not in accepted["types"]:
        raise forms.ValidationError(
            _(
                "Tệp “%(name)s” không phải là tệp %(types)s hợp lệ (hệ thống kiểm tra nội dung "
                "tệp, không chỉ đuôi tệp)."
            )
            % {"name": upload.name, "types": accepted["label"]},
            code="file_type",
        )
    return CheckedUpload(
        upload=upload,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=upload.size,
    )

"""Checking uploaded files by what they contain, not by what they are called, and keeping only
what a reader needs of them.

An image is decoded and encoded anew with Pillow: whatever followed its pixels (an HTML or PHP
page appended to a PNG or JPEG, which some servers and browsers would run) and its metadata (a
phone's EXIF: place, time, device) are gone. A PDF is read with pikepdf (qpdf) and refused if it
carries active content: JavaScript, an action run on opening or on an event, a launched program,
embedded files, rich media or an XFA form. A PDF that cannot be read is refused too.
"""

import io
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
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
    if content_type in (JPEG, PNG):
        upload = reencode_image(upload, content_type)
    elif content_type == PDF:
        refuse_active_pdf(upload)
    return CheckedUpload(
        upload=upload,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=upload.size,
    )


def reencode_image(upload: UploadedFile, content_type: str) -> UploadedFile:
    """Return the image's pixels encoded anew in its own format, without anything else the file
    held (appended data, metadata, thumbnails); the orientation the camera noted is applied."""
    from PIL import Image, ImageOps

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            if content_type == JPEG:
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(output, format="JPEG", quality=90)
            else:
                image.save(output, format="PNG")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise forms.ValidationError(
            _(
                "Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc quá lớn. Vui lòng chụp hoặc "
                "quét lại."
            )
            % {"name": upload.name},
            code="image_unreadable",
        ) from error
    finally:
        upload.seek(0)
    return SimpleUploadedFile(upload.name, output.getvalue(), content_type=content_type)


# Keys and action types of a PDF that run something: JavaScript, actions on opening or on events
# (/AA), launching a program, importing or submitting data, embedded files and rich media, XFA.
ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
}
ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
}


def _active(obj, depth: int = 0) -> str | None:
    """The first active key or action in `obj` and the direct objects inside it (an indirect
    one is looked at on its own), or None."""
    import pikepdf

    if depth > 32:
        return None
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        for key in list(obj.keys()):  # noqa: SIM118 (a pikepdf Dictionary)
            if key in ACTIVE_KEYS:
                return key
            value = obj.get(key)
            if key in ("/S", "/Type", "/Subtype") and str(value) in ACTIVE_ACTIONS | {
                "/EmbeddedFile",
                "/FileAttachment",
            }:
                return str(value)
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                found = _active(value, depth + 1)
                if found:
                    return found
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                found = _active(value, depth + 1)
                if found:
                    return found
    return None


def pdf_active_content(data) -> str | None:
    """The first active content of the PDF read from `data` (a file), or None; raise
    pikepdf.PdfError (or PasswordError) if it cannot be read."""
    import pikepdf

    with pikepdf.open(data) as pdf:
        for obj in [pdf.trailer, pdf.Root, *pdf.objects]:
            found = _active(obj)
            if found:
                return found
    return None


def refuse_active_pdf(upload: UploadedFile) -> None:
    """Raise a ValidationError in Vietnamese if the PDF is unreadable, locked or active."""
    import pikepdf

    upload.seek(0)
    try:
        found = pdf_active_content(io.BytesIO(upload.read()))
    except pikepdf.PasswordError as error:
        raise forms.ValidationError(
            _("Tệp “%(name)s” được đặt mật khẩu. Vui lòng gửi bản PDF không đặt mật khẩu.")
            % {"name": upload.name},
            code="pdf_encrypted",
        ) from error
    except (pikepdf.PdfError, ValueError, RecursionError) as error:
        raise forms.ValidationError(
            _("Không đọc được tệp PDF “%(name)s”: tệp bị hỏng. Vui lòng quét hoặc xuất lại.")
            % {"name": upload.name},
            code="pdf_unreadable",
        ) from error
    finally:
        upload.seek(0)
    if found:
        raise forms.ValidationError(
            _(
                "Tệp “%(name)s” chứa nội dung tự chạy (mã JavaScript, lệnh tự mở, tệp đính kèm "
                "bên trong…) nên không được nhận. Vui lòng in ra PDF hoặc quét lại giấy tờ rồi "
                "gửi lại."
            )
            % {"name": upload.name},
            code="pdf_active",
        )

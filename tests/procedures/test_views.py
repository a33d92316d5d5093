import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import ProcedureFactory, RequiredDocumentFactory
from tests.pdf import pdf_text


def grow(catalogue, n=25):
    """Add `n` procedures received everywhere: a page's query count must not depend on them."""
    agencies = [catalogue["long_bien"], catalogue["ha_dong"], catalogue["bac_hong_linh"]]
    for _ in range(n):
        ProcedureFactory(field=catalogue["ho_tich"], receiving_agencies=agencies)


# Query counts per page, pinned: they must not grow with the catalogue.
HOME_QUERIES = 3  # fields with counts, most used, level counts
LIST_QUERIES = 4  # provinces (select), fields (select), count, page
LIST_WITH_PROVINCE_QUERIES = 9  # + province, ward, field lookups, wards (select), subtree ids
# procedure, documents, fees, form fields, agencies shown, per province, resolving agencies
DETAIL_QUERIES = 7


@pytest.mark.parametrize("extra", [0, 25])
def test_home_query_count_is_constant(client, catalogue, django_assert_num_queries, extra):
    grow(catalogue, extra)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("procedures:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Các dịch vụ công có thể thực hiện trực tuyến" in body
    assert "Đăng ký khai sinh" in body
    assert "Hộ tịch" in body


@pytest.mark.parametrize("extra", [0, 25])
def test_catalogue_query_count_is_constant(client, catalogue, django_assert_num_queries, extra):
    grow(catalogue, extra)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("procedures:catalogue"), {"q": "dang ky", "muc_do": "3"})
    assert response.status_code == 200
    with django_assert_num_queries(LIST_WITH_PROVINCE_QUERIES):
        response = client.get(
            reverse("procedures:catalogue"),
            {"tinh": "000.00.00.H26", "co_quan": "000.01.00.H26", "linh_vuc": "ho-tich"},
        )
    assert response.status_code == 200


def test_catalogue_search_without_diacritics(client, catalogue):
    response = client.get(reverse("procedures:catalogue"), {"q": "dang ky khai sinh"})
    assert [p.code for p in response.context["page"].object_list] == ["1.001193"]
    assert "Tìm thấy 1 thủ tục" in response.content.decode()


def test_catalogue_online_button_lists_levels_3_and_4(client, catalogue):
    response = client.get(reverse("procedures:catalogue"), {"truc_tuyen": "on"})
    assert {p.level for p in response.context["page"].object_list} == {3, 4}


def test_catalogue_paginates(client, catalogue, settings):
    settings.CATALOGUE_PAGE_SIZE = 2
    response = client.get(reverse("procedures:catalogue"), {"trang": "2"})
    page = response.context["page"]
    assert page.number == 2 and page.paginator.num_pages == 2
    assert 'rel="prev"' in response.content.decode()
    # A page out of range shows the last page instead of an error.
    assert client.get(reverse("procedures:catalogue"), {"trang": "99"}).context["page"].number == 2


def test_catalogue_ignores_bad_filter_values_instead_of_failing(client, catalogue):
    response = client.get(
        reverse("procedures:catalogue"),
        {"tinh": "không-có", "muc_do": "9", "linh_vuc": "x", "trang": "abc", "q": "khai sinh"},
    )
    assert response.status_code == 200
    assert [p.code for p in response.context["page"].object_list] == ["1.001193"]


def test_ward_select_lists_the_chosen_province_wards(client, catalogue):
    response = client.get(reverse("procedures:catalogue"), {"tinh": "000.00.00.H30"})
    body = response.content.decode()
    assert "Phường Bắc Hồng Lĩnh" in body
    assert "Phường Long Biên" not in body


@pytest.mark.parametrize("extra", [0, 25])
def test_detail_query_count_is_constant(client, catalogue, django_assert_num_queries, extra):
    grow(catalogue, extra)
    procedure = catalogue["khai_sinh"]
    procedure.receiving_agencies.add(*[catalogue["hanoi"]])
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(procedure.get_absolute_url())
    assert response.status_code == 200


def test_detail_shows_level_1_information(client, catalogue):
    body = client.get(catalogue["khai_sinh"].get_absolute_url()).content.decode()
    for text in [
        "Đăng ký khai sinh",
        "Mức độ 3",
        "Dịch vụ công trực tuyến một phần",
        "Giấy chứng sinh",
        "Bản chính",
        "Luật Hộ tịch số 60/2014/QH13",
        "Bước 1: Nộp hồ sơ",
        "Phường Long Biên",
        "hồ sơ nhận sau 15:00",
        "Miễn phí",
        "Nộp hồ sơ trực tuyến",
        "Tải tờ khai (PDF)",
    ]:
        assert text in body, text


def test_detail_fee_rules_are_spelled_out(client, catalogue):
    body = client.get(catalogue["chung_thuc"].get_absolute_url()).content.decode()
    assert "2.000 đồng/trang cho 2 trang đầu, 1.000 đồng/trang từ trang tiếp theo" in body
    assert "tối đa 200.000 đồng/bản" in body


def test_detail_of_level_2_offers_downloads_not_submission(client, catalogue):
    body = client.get(catalogue["khai_tu"].get_absolute_url()).content.decode()
    assert "Tải tờ khai (PDF)" in body
    assert "submit-online" not in body


def test_unknown_procedure_is_a_vietnamese_404(client, db):
    response = client.get(reverse("procedures:detail", args=["9.999999"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_blank_form_pdf_has_every_field_with_diacritics(client, catalogue):
    response = client.get(reverse("procedures:blank_form", args=["1.001193"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="to-khai-dang-ky-khai-sinh.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Họ, chữ đệm, tên",
        "Giới tính",
        "Nữ",
        "Ngày, tháng, năm sinh",
        "Người được khai sinh".upper(),
    ]:
        assert expected in text, expected


def test_blank_form_is_rendered_once_per_version(client, catalogue, django_assert_num_queries):
    url = reverse("procedures:blank_form", args=["1.001193"])
    first = client.get(url).content
    with django_assert_num_queries(4):  # the page's prefetches; no re-render
        second = client.get(url).content
    assert first == second


def test_level_1_has_no_blank_form(client, catalogue):
    assert client.get(reverse("procedures:blank_form", args=["1.004227"])).status_code == 404


def test_uploaded_template_is_downloadable(client, catalogue):
    document = RequiredDocumentFactory(procedure=catalogue["khai_tu"], name="Tờ khai khai tử")
    document.template.save("to-khai.docx", ContentFile(b"PK\x03\x04docx"))
    response = client.get(reverse("procedures:document_template", args=["1.000656", document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04docx"
    assert "to-khai-khai-tu.docx" in response["Content-Disposition"]
    # The same document under another procedure's code is not found.
    assert (
        client.get(
            reverse("procedures:document_template", args=["1.001193", document.pk])
        ).status_code
        == 404
    )


def test_legacy_agencies_are_not_offered_in_the_catalogue_filters(client, catalogue, legacy_agency):
    response = client.get(reverse("procedures:catalogue"), {"tinh": "000.00.00.H30"})
    body = response.content.decode()
    assert "Phường Bắc Hồng Lĩnh" in body
    assert "Hồng Lĩnh (trước 01/7/2025)" not in body
    assert "Hà Tây" not in body
    # An old link to the legacy district: the filter is dropped, not applied.
    response = client.get(
        reverse("procedures:catalogue"), {"tinh": "000.00.00.H30", "co_quan": legacy_agency.code}
    )
    assert response.context["form"].to_filter().agency == catalogue["hatinh"]


def test_detail_lists_only_active_receiving_agencies(client, catalogue, legacy_agency):
    body = client.get(catalogue["khai_sinh"].get_absolute_url()).content.decode()
    assert "Phường Bắc Hồng Lĩnh" in body
    assert "Hồng Lĩnh (trước 01/7/2025)" not in body


def test_detail_shows_alternative_documents_and_the_online_declaration(
    client, catalogue, birth_alternatives
):
    response = client.get(catalogue["khai_sinh"].get_absolute_url())
    body = response.content.decode()
    rows = [(r.documents[0].name, r.is_choice) for r in response.context["requirements"]]
    assert rows == [
        ("Tờ khai đăng ký khai sinh", False),
        ("Giấy chứng sinh", True),
        ("Văn bản ủy quyền", False),
    ]
    group = body[body.index("Nộp một trong các giấy tờ sau:") : body.index("Văn bản ủy quyền")]
    for name in [
        "Giấy chứng sinh",
        "Văn bản của người làm chứng xác nhận về việc sinh",
        "Giấy cam đoan về việc sinh",
        "Trường hợp không có Giấy chứng sinh và không có người làm chứng",
    ]:
        assert name in group
    assert group.count(">hoặc<") == 2  # between the three documents
    assert "Khi nộp trực tuyến: điền tờ khai điện tử ở bước “Tờ khai”, không phải tải lên." in body

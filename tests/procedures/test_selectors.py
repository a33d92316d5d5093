import pytest

from procedures import selectors
from procedures.selectors import CatalogueFilter
from tests.factories import ProcedureFactory


def codes(queryset):
    return [p.code for p in queryset]


def test_search_ignores_diacritics_and_case(catalogue):
    found = selectors.procedure_search(filters=CatalogueFilter(query="dang ky khai sinh"))
    assert codes(found) == ["1.001193"]
    assert codes(
        selectors.procedure_search(filters=CatalogueFilter(query="ĐĂNG KÝ KHAI SINH"))
    ) == ["1.001193"]


def test_search_d_matches_d_stroke(catalogue):
    found = codes(selectors.procedure_search(filters=CatalogueFilter(query="dat dai")))
    assert found == ["1.004227"]


def test_search_by_code(catalogue):
    assert codes(selectors.procedure_search(filters=CatalogueFilter(query="2.000815"))) == [
        "2.000815"
    ]


def test_search_requires_every_word(catalogue):
    assert codes(selectors.procedure_search(filters=CatalogueFilter(query="khai hon"))) == []


def test_search_ranks_name_phrase_before_scattered_words(catalogue):
    scattered = ProcedureFactory(
        name="Đăng ký lại việc sinh, khai báo bổ sung", field=catalogue["ho_tich"], usage_count=5000
    )
    found = codes(selectors.procedure_search(filters=CatalogueFilter(query="khai sinh")))
    # "khai sinh" as a phrase beats a more used procedure that only contains both words.
    assert found[0] == "1.001193"
    assert scattered.code in found


def test_search_ranks_prefix_matches_first(catalogue):
    ProcedureFactory(
        name="Thay đổi thông tin đăng ký khai tử", field=catalogue["ho_tich"], usage_count=9999
    )
    found = codes(selectors.procedure_search(filters=CatalogueFilter(query="dang ky khai tu")))
    assert found[0] == "1.000656"


def test_filter_by_province_includes_its_wards(catalogue):
    found = selectors.procedure_search(filters=CatalogueFilter(agency=catalogue["hatinh"]))
    assert set(codes(found)) == {"1.001193", "2.000815", "1.004227"}


def test_filter_by_ward(catalogue):
    found = selectors.procedure_search(filters=CatalogueFilter(agency=catalogue["long_bien"]))
    assert set(codes(found)) == {"1.001193", "1.000656"}


def test_filter_by_field_level_and_online(catalogue):
    by_field = selectors.procedure_search(filters=CatalogueFilter(field=catalogue["ho_tich"]))
    assert set(codes(by_field)) == {"1.001193", "1.000656"}
    assert codes(selectors.procedure_search(filters=CatalogueFilter(level=4))) == ["2.000815"]
    online = selectors.procedure_search(filters=CatalogueFilter(online_only=True))
    assert codes(online) == ["2.000815", "1.001193"]  # most used first


def test_inactive_procedures_are_hidden(catalogue):
    catalogue["khai_tu"].is_active = False
    catalogue["khai_tu"].save()
    assert "1.000656" not in codes(selectors.procedure_search(filters=CatalogueFilter()))
    assert selectors.procedure_detail(code="1.000656") is None


def test_field_counts(catalogue):
    counts = {f.code: f.procedure_count for f in selectors.field_list_with_counts()}
    assert counts == {"ho-tich": 2, "chung-thuc": 1, "dat-dai": 1}


def test_receiving_summary_is_bounded(catalogue, django_assert_num_queries):
    wards = [catalogue["long_bien"], catalogue["ha_dong"], catalogue["bac_hong_linh"]]
    procedure = catalogue["khai_sinh"]
    with django_assert_num_queries(2):
        summary = selectors.procedure_receiving_summary(procedure=procedure)
    assert summary["total"] == 3
    assert {a.pk for a in summary["agencies"]} == {w.pk for w in wards}
    assert summary["per_province"] == [
        {"province__code": "000.00.00.H26", "province__name": "Thành phố Hà Nội", "count": 2},
        {"province__code": "000.00.00.H30", "province__name": "Tỉnh Hà Tĩnh", "count": 1},
    ]
    assert summary["more"] is False


@pytest.mark.django_db
def test_agency_receiving_units_lists_wards_of_the_province(catalogue):
    units = selectors.agency_receiving_units(province_code="000.00.00.H26")
    assert {a.name for a in units} == {"Phường Long Biên", "Phường Hà Đông"}


def test_procedure_parts_are_read_once_and_follow_an_edit_at_once(
    catalogue, django_assert_num_queries
):
    procedure = catalogue["khai_sinh"]
    with django_assert_num_queries(2):
        parts = selectors.procedure_parts(procedure)
    assert [f.name for f in parts.fields] == [f.name for f in procedure.form_fields.all()]
    assert [d.pk for d in parts.documents] == [d.pk for d in procedure.documents.all()]
    with django_assert_num_queries(0):
        assert selectors.procedure_parts(procedure) is parts  # kept on the instance
    another = type(procedure).objects.get(pk=procedure.pk)  # another request's instance
    with django_assert_num_queries(0):
        assert selectors.procedure_parts(another) == parts  # from the worker's memory
    # An officer's edit bumps the catalogue's version (a signal): this worker sees it at once.
    procedure.form_fields.create(name="ghi_chu", label="Ghi chú", field_type="text", order=99)
    assert selectors.procedure_parts(procedure).fields[-1].name == "ghi_chu"


def test_alternative_documents_are_one_requirement_at_the_first_member_place(
    catalogue, birth_alternatives
):
    documents = birth_alternatives
    requirements = selectors.document_requirements(catalogue["khai_sinh"].documents.all())
    assert [[d.pk for d in r.documents] for r in requirements] == [
        [documents["declaration"].pk],
        [documents["certificate"].pk, documents["witness"].pk, documents["commitment"].pk],
        [documents["authorisation"].pk],
    ]
    group = requirements[1]
    assert group.is_choice and group.is_required
    assert not requirements[2].is_choice and not requirements[2].is_required
    assert group.satisfied_by({documents["witness"].pk})
    assert not group.satisfied_by({documents["declaration"].pk, documents["authorisation"].pk})


def test_the_online_declaration_is_not_an_upload(catalogue, birth_alternatives):
    procedure = catalogue["khai_sinh"]
    parts = selectors.procedure_parts(procedure)
    assert parts.online_declarations == [birth_alternatives["declaration"]]
    assert birth_alternatives["declaration"] not in parts.uploads
    assert len(parts.uploads) == procedure.documents.count() - 1
    assert [r.documents[0] for r in parts.upload_requirements] == [
        birth_alternatives["certificate"],
        birth_alternatives["authorisation"],
    ]


def test_without_an_online_form_the_declaration_is_an_upload(catalogue, birth_alternatives):
    procedure = catalogue["khai_sinh"]
    procedure.form_fields.all().delete()
    parts = selectors.procedure_parts(procedure)
    assert parts.online_declarations == []
    assert parts.uploads[0] == birth_alternatives["declaration"]


def test_inactive_agencies_are_not_in_the_catalogue_filters(catalogue, legacy_agency):
    assert [a.name for a in selectors.province_list()] == ["Thành phố Hà Nội", "Tỉnh Hà Tĩnh"]
    units = selectors.agency_receiving_units(province_code="000.00.00.H30")
    assert [a.name for a in units] == ["Phường Bắc Hồng Lĩnh"]


def test_inactive_agencies_are_not_listed_as_receiving(catalogue, legacy_agency):
    summary = selectors.procedure_receiving_summary(procedure=catalogue["khai_sinh"])
    assert summary["total"] == 3
    assert legacy_agency not in summary["agencies"]
    assert {"province__code": "000.00.00.H30", "province__name": "Tỉnh Hà Tĩnh", "count": 1} in (
        summary["per_province"]
    )


def test_filter_by_province_ignores_what_only_a_legacy_agency_received(catalogue, legacy_agency):
    old = ProcedureFactory(
        name="Thủ tục chỉ thị xã cũ tiếp nhận", receiving_agencies=[legacy_agency]
    )
    found = codes(selectors.procedure_search(filters=CatalogueFilter(agency=catalogue["hatinh"])))
    assert "1.001193" in found  # Phường Bắc Hồng Lĩnh receives it
    assert old.code not in found

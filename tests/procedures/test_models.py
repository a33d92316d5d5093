import pytest
from django.core.exceptions import ValidationError

from procedures.constants import AgencyTier, FeeKind
from procedures.models import Agency, FeeRule
from procedures.services import agency_save
from tests.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_agency_tree_derives_path_and_province():
    province = AgencyFactory(code="000.00.00.H26", is_province=True)
    ward = AgencyFactory(code="000.12.00.H26", parent=province)
    desk = AgencyFactory(code="001.12.00.H26", parent=ward, tier=AgencyTier.DEPARTMENT)
    assert province.province == province
    assert ward.path == "000.00.00.H26/000.12.00.H26/"
    assert desk.path.startswith(ward.path)
    assert desk.province == province


def test_moving_an_agency_refreshes_its_subtree():
    hanoi = AgencyFactory(code="000.00.00.H26", is_province=True)
    hatinh = AgencyFactory(code="000.00.00.H30", is_province=True, name="Tỉnh Hà Tĩnh")
    ward = AgencyFactory(code="000.12.00.H26", parent=hanoi)
    desk = AgencyFactory(code="001.12.00.H26", parent=ward, tier=AgencyTier.DEPARTMENT)
    ward.parent = hatinh
    agency_save(agency=ward)
    desk.refresh_from_db()
    assert desk.path == "000.00.00.H30/000.12.00.H26/001.12.00.H26/"
    assert desk.province == hatinh


def test_agency_code_must_follow_qcvn_102():
    agency = Agency(code="H26-1", name="Sai mã", tier=AgencyTier.COMMUNE)
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert error.value.error_dict["code"][0].code == "agency_code"


def test_procedure_keeps_a_folded_search_name():
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    assert procedure.search_name == "dang ky khai sinh"
    procedure.name = "Đăng ký lại khai sinh"
    procedure.save(update_fields=["name"])
    procedure.refresh_from_db()
    assert procedure.search_name == "dang ky lai khai sinh"


def test_procedure_level_outside_1_to_4_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ProcedureFactory(level=5)


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [(1, 1, 2000), (2, 1, 4000), (3, 1, 5000), (10, 2, 24000), (500, 1, 200000), (500, 3, 600000)],
)
def test_per_page_fee_with_tiers_and_cap(pages, copies, expected):
    # Chứng thực bản sao: 2.000 đ/trang cho 2 trang đầu, 1.000 đ/trang sau, tối đa 200.000 đ/bản.
    fee = FeeRule(
        kind=FeeKind.PER_PAGE, amount=2000, pages_at_amount=2, amount_after=1000, cap=200000
    )
    assert fee.compute(pages=pages, copies=copies) == expected


def test_fixed_per_copy_free_and_online_fees():
    assert FeeRule(kind=FeeKind.FREE, amount=0).compute(copies=3) == 0
    assert FeeRule(kind=FeeKind.PER_COPY, amount=8000).compute(copies=3) == 24000
    fixed = FeeRule(kind=FeeKind.FIXED, amount=75000, online_amount=37500)
    assert fixed.compute(copies=4) == 75000
    assert fixed.compute(online=True) == 37500

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from procedures.constants import AgencyTier
from procedures.demo import load_procedures
from procedures.models import Agency, FormField, Procedure, RequiredDocument
from procedures.selectors import agency_receiving_units, procedure_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)


def snapshot():
    return (
        list(Agency.objects.order_by("code").values()),
        list(Procedure.objects.order_by("code").values()),
        list(FormField.objects.order_by("procedure__code", "order").values()),
        list(RequiredDocument.objects.order_by("procedure__code", "order").values()),
        sorted(
            Procedure.receiving_agencies.through.objects.values_list("procedure_id", "agency_id")
        ),
    )


def test_loading_twice_changes_nothing(loaded, capsys):
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    out = capsys.readouterr().out
    assert "(0 mới, 0 thay đổi)" in out
    assert "quantri" in out and "QuanTriHeThong@2026" in out


def test_demo_catalogue_covers_the_issue(loaded):
    procedures = Procedure.objects.all()
    assert procedures.count() >= 30
    assert set(procedures.values_list("level", flat=True)) == {1, 2, 3, 4}
    for code in ["1.001193", "1.000656", "1.000894", "2.000635", "2.000815"]:
        procedure = Procedure.objects.get(code=code)
        assert procedure.form_fields.count() >= 3, code
        assert procedure.documents.exists(), code
        assert procedure.receiving_agencies.exists(), code
    fields = set(procedures.values_list("field__name", flat=True))
    assert {"Hộ tịch", "Chứng thực"} <= fields
    provinces = Agency.objects.filter(tier=AgencyTier.PROVINCE)
    assert provinces.count() >= 2
    for province in provinces:
        assert Agency.objects.filter(province=province, tier=AgencyTier.COMMUNE).count() >= 4


def test_birth_declaration_has_the_official_fields(loaded):
    labels = " ".join(
        FormField.objects.filter(procedure__code="1.001193").values_list("label", flat=True)
    ).lower()
    for part in ["dân tộc", "quốc tịch", "nơi sinh", "quê quán", "giới tính", "mẹ", "cha"]:
        assert part in labels, part


def test_accounts_are_refused_outside_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    call_command("load_demo", "--no-accounts", verbosity=0)
    assert Procedure.objects.exists()


def test_legacy_agencies_are_loaded_inactive(loaded):
    legacy = Agency.objects.filter(name__contains="(trước 01/7/2025)")
    assert {a.code for a in legacy} == {"000.00.20.H30", "001.00.20.H30"}
    assert not any(a.is_active for a in legacy)
    units = agency_receiving_units(province_code="000.00.00.H30")
    assert units.exists() and not units.filter(name__contains="trước 01/7/2025").exists()


def test_documents_follow_the_law_alternatives_and_online_declarations(loaded):
    # Đăng ký khai sinh: the Giấy chứng sinh, or a witness's statement, or a commitment, or the
    # abandoned child's record; the declaration is filled online.
    parts = procedure_parts(Procedure.objects.get(code="1.001193"))
    assert [d.name for d in parts.online_declarations] == ["Tờ khai đăng ký khai sinh theo mẫu"]
    group = parts.upload_requirements[0]
    assert group.is_required and [d.name for d in group.documents] == [
        "Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp",
        "Văn bản của người làm chứng xác nhận về việc sinh",
        "Giấy cam đoan về việc sinh",
        "Biên bản xác nhận việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập",
    ]
    assert not any(r.is_required for r in parts.upload_requirements[1:])
    # Đăng ký khai tử: the Giấy báo tử or what stands for it.
    parts = procedure_parts(Procedure.objects.get(code="1.000656"))
    assert [d.name for d in parts.online_declarations] == ["Tờ khai đăng ký khai tử theo mẫu"]
    group = parts.upload_requirements[0]
    assert group.is_required and group.is_choice
    assert group.documents[0].name == "Giấy báo tử do cơ quan có thẩm quyền cấp"
    assert group.documents[1].name.startswith("Giấy tờ thay thế Giấy báo tử")
    # No procedure with an online form also asks for its "Tờ khai … theo mẫu" as a file.
    for procedure in Procedure.objects.filter(level__gte=3):
        for document in procedure_parts(procedure).uploads:
            assert not document.name.startswith("Tờ khai"), (procedure.code, document.name)


def test_the_loader_refuses_an_alternative_group_of_one(db):
    field = {"code": "ho-tich", "name": "Hộ tịch"}
    procedure = {
        "code": "1.999999",
        "name": "Thủ tục thử",
        "field": "ho-tich",
        "level": 3,
        "processing": {"kind": "working_days", "days": 3},
        "documents": [
            {"name": "Giấy chứng sinh", "copy_type": "original", "alternative_group": 1},
            {"name": "Văn bản ủy quyền", "copy_type": "original", "required": False},
        ],
    }
    with pytest.raises(ValidationError) as error:
        load_procedures({"fields": [field], "procedures": [procedure]})
    assert error.value.error_list[0].code == "alternative_alone"
    assert not Procedure.objects.exists()

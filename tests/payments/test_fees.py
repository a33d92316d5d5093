import pytest

from payments.fees import fee_lines, fee_total
from procedures.constants import FeeKind
from tests.factories import FeeRuleFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_a_procedure_s_fees_from_its_rules():
    procedure = ProcedureFactory()
    FeeRuleFactory(procedure=procedure, order=1, kind=FeeKind.FIXED, amount=8000, label="Lệ phí")
    FeeRuleFactory(
        procedure=procedure,
        order=2,
        kind=FeeKind.PER_PAGE,
        amount=2000,
        pages_at_amount=2,
        amount_after=1000,
        cap=5000,
        label="Phí sao y",
    )
    FeeRuleFactory(procedure=procedure, order=3, kind=FeeKind.FREE, label="Miễn cho hộ nghèo")
    FeeRuleFactory(
        procedure=procedure,
        order=4,
        kind=FeeKind.PER_COPY,
        amount=10000,
        online_amount=5000,
        label="Bản sao trích lục",
    )
    lines = fee_lines(procedure, copies=2, pages=4, online=True)
    # per page: 2 × 2.000 + 2 × 1.000 = 6.000, capped at 5.000 per copy, × 2 copies
    assert [(line.label, line.amount) for line in lines] == [
        ("Lệ phí", 8000),
        ("Phí sao y", 10000),
        ("Miễn cho hộ nghèo", 0),
        ("Bản sao trích lục", 10000),
    ]
    assert fee_total(procedure, copies=2, pages=4, online=True) == 28000
    assert fee_total(procedure, copies=2, pages=4, online=False) == 38000

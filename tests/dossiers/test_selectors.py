import pytest

from dossiers import selectors

pytestmark = pytest.mark.django_db


def test_receiving_agencies_of_a_procedure_are_the_active_ones(catalogue, legacy_agency):
    procedure = catalogue["khai_sinh"]
    assert legacy_agency in procedure.receiving_agencies.all()  # the history keeps it
    agencies = selectors.procedure_receiving_agencies(procedure=procedure)
    assert [a.name for a in agencies] == [
        "Phường Hà Đông",
        "Phường Long Biên",
        "Phường Bắc Hồng Lĩnh",
    ]

"""DossierFactory's traits leave what the services leave: the same fields, the same history."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import Dossier
from dossiers.uploads import inspect
from officers.constants import Role
from officers.selectors import departments_of
from tests.dossiers.factories import (
    PATHS,
    REFUSAL_REASON,
    STEP,
    SUPPLEMENT_DOCUMENTS,
    SUPPLEMENT_REASON,
    TRAITS,
    DossierFactory,
    make_officer,
    submitted,
)
from tests.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Tue 1/12/2026 14:55, five minutes before the same-day cut-off: a dossier of the same-day
# procedure submitted then is due today, and accepted at 15:05 it is due tomorrow, so the
# comparison tells a due date taken at submission from one taken at acceptance.
SUBMITTED_AT = datetime.datetime(2026, 12, 1, 14, 55, tzinfo=HCM)


@pytest.fixture
def chief(catalogue):
    """An officer of Long Biên with the three roles: one user who may take every step, as the
    factory's `actor` does."""
    user = make_officer(
        "truongbophan", Role.LEADER, agencies=[catalogue["long_bien"]], first_name="Trần Thị Bình"
    )
    others = [str(Role.RECEIVING.label), str(Role.SPECIALIST.label)]
    user.groups.add(*Group.objects.filter(name__in=others))
    return user


# The services that bring a just-submitted dossier to each trait's state, in order. Written out
# here, not read from the factory's PATHS, so that each is checked against the other.
def accept(pk, chief, desk):
    services.dossier_accept(dossier_id=pk, actor=chief)


def forward(pk, chief, desk):
    services.dossier_forward(
        dossier_id=pk, actor=chief, department=desk["justice"], assignee=desk["specialist"]
    )


def request_fee(pk, chief, desk):
    services.dossier_request_fee(dossier_id=pk, actor=chief)


def request_supplement(pk, chief, desk):
    services.dossier_request_supplement(
        dossier_id=pk, actor=chief, documents=SUPPLEMENT_DOCUMENTS, reason=SUPPLEMENT_REASON
    )


def propose(pk, chief, desk):
    draft = inspect(SimpleUploadedFile("ket-qua.pdf", PDF_BYTES), max_mb=10)
    services.dossier_propose(dossier_id=pk, actor=chief, draft_file=draft)


def approve(pk, chief, desk):
    services.dossier_approve(dossier_id=pk, actor=chief)


def return_result(pk, chief, desk):
    services.dossier_return_result(dossier_id=pk, actor=chief, via="in_person")


def refuse(pk, chief, desk):
    services.dossier_refuse(dossier_id=pk, actor=chief, reason=REFUSAL_REASON)


def withdraw(pk, chief, desk):
    services.dossier_withdraw(dossier_id=pk)


REFERENCE = {
    "submitted": [],
    "accepted": [accept],
    "processing": [accept, forward],
    "fee_requested": [accept, forward, request_fee],
    "supplement_requested": [accept, forward, request_supplement],
    "resolved": [accept, forward, propose, approve],
    "returned": [accept, forward, propose, approve, return_result],
    "refused": [refuse],
    "withdrawn": [withdraw],
}


def state(dossier: Dossier) -> dict:
    """The fields a service or a reader may look at (not the code, which is unique)."""
    fields = [
        "status",
        "channel",
        "procedure_id",
        "receiving_agency_id",
        "applicant_name",
        "applicant_email",
        "applicant_phone",
        "applicant_address",
        "applicant_id_number",
        "delivery",
        "declaration",
        "submitted_at",
        "received_at",
        "due_at",
        "resolved_at",
        "returned_at",
        "returned_via",
        "current_department_id",
        "assignee_id",
        "pending_proposal_id",
    ]
    return {name: getattr(dossier, name) for name in fields} | {
        "has_result": bool(dossier.result_file)
    }


def history(dossier: Dossier) -> list[tuple]:
    return list(
        dossier.events.values_list(
            "action",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "agency",
            "assignee",
            "due_at",
            "note",
            "created_at",
        )
    )


def supplements(dossier: Dossier) -> list[tuple]:
    return list(
        dossier.supplements.values_list(
            "documents",
            "reason",
            "from_status",
            "requested_by",
            "requested_at",
            "answered_at",
            "reviewed_at",
            "closed_at",
        )
    )


def proposals(dossier: Dossier) -> list[tuple]:
    """The proposals to the leader, and whether each draft is the dossier's result file."""
    return [
        (*row[1:], row[0] == dossier.result_file.name)
        for row in dossier.proposals.values_list(
            "draft",
            "note",
            "department",
            "proposed_by",
            "proposed_at",
            "leader",
            "closed_at",
            "closed_by",
            "outcome",
            "outcome_note",
        )
    ]


@pytest.mark.parametrize("trait", list(REFERENCE))
def test_trait_leaves_what_the_services_leave(trait, catalogue, desk, chief):
    procedure, agency = catalogue["khai_sinh"], catalogue["long_bien"]
    with time_machine.travel(SUBMITTED_AT, tick=False):
        reference = submitted(procedure, agency)
    for step, action in enumerate(REFERENCE[trait], start=1):
        with time_machine.travel(SUBMITTED_AT + step * STEP, tick=False):
            action(reference.pk, chief, desk)

    made = DossierFactory(
        procedure=procedure,
        receiving_agency=agency,
        submitted_at=SUBMITTED_AT,
        actor=chief,
        department=desk["justice"],
        handler=desk["specialist"],
        **{trait: True},
    )

    # Services may return an event or a dossier: both sides are read back from the database.
    expected, actual = Dossier.objects.get(pk=reference.pk), Dossier.objects.get(pk=made.pk)
    assert state(actual) == state(expected)
    assert history(actual) == history(expected)
    assert supplements(actual) == supplements(expected)
    assert proposals(actual) == proposals(expected)
    # Both codes come from the agency's sequence of the day: the official shape, never shared.
    assert re.fullmatch(r"000\.01\.00\.H26-261201-\d{4}", actual.code)
    assert actual.code != expected.code


def test_the_reference_tells_the_due_dates_apart(catalogue, desk, chief):
    """The comparison above would not notice a due date taken at the wrong moment otherwise."""
    submitted_only = DossierFactory(
        procedure=catalogue["khai_sinh"],
        receiving_agency=catalogue["long_bien"],
        submitted_at=SUBMITTED_AT,
    )
    accepted = DossierFactory(
        procedure=catalogue["khai_sinh"],
        receiving_agency=catalogue["long_bien"],
        submitted_at=SUBMITTED_AT,
        accepted=True,
    )
    # No clock before acceptance; khai sinh is a same-day procedure, accepted after its cut-off.
    assert submitted_only.due_at is None
    assert accepted.due_at == datetime.datetime(2026, 12, 2, 17, 0, tzinfo=HCM)


NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=HCM)


@pytest.mark.parametrize("status", list(TRAITS))
def test_by_default_the_last_step_is_now_and_the_history_is_ordered(status, catalogue):
    with time_machine.travel(NOW, tick=False):
        dossier = DossierFactory(
            procedure=catalogue["khai_sinh"],
            receiving_agency=catalogue["long_bien"],
            **{TRAITS[status]: True},
        )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == status
    moments = [dossier.submitted_at, dossier.received_at, dossier.resolved_at, dossier.returned_at]
    present = [moment for moment in moments if moment is not None]
    assert present == sorted(present) and present[-1] <= NOW
    events = list(dossier.events.values_list("action", "from_status", "to_status", "created_at"))
    assert [action for action, *_ in events] == list(PATHS[status])
    # Each step starts where the previous one left the dossier, and the last leaves it here.
    assert [from_status for _, from_status, _, _ in events] == [
        None,
        *(to_status for _, _, to_status, _ in events[:-1]),
    ]
    assert events[-1][2] == status
    times = [created_at for *_, created_at in events]
    assert times == sorted(set(times)) and times[0] == dossier.submitted_at and times[-1] == NOW


def test_a_dossier_made_from_nothing_has_its_agency_procedure_and_department():
    dossier = DossierFactory(returned=True)
    agency = dossier.receiving_agency
    assert list(dossier.procedure.receiving_agencies.all()) == [agency]
    assert dossier.current_department is None and dossier.result_file
    forwarded = dossier.events.get(action=A.FORWARD)
    assert forwarded.agency in departments_of(agency)
    # Without an actor the officer steps name an officer but no user.
    accepted = dossier.events.get(action=A.ACCEPT)
    assert (accepted.actor, accepted.actor_name) == (None, "Cán bộ")
    assert re.fullmatch(rf"{re.escape(agency.code)}-\d{{6}}-0001", dossier.code)


def test_the_next_action_works_on_a_factory_dossier(catalogue, desk):
    dossier = DossierFactory(
        procedure=catalogue["khai_sinh"],
        receiving_agency=catalogue["long_bien"],
        actor=desk["receiving"],
        department=desk["justice"],
        handler=desk["specialist"],
        supplement_requested=True,
    )
    services.dossier_receive_supplement(dossier_id=dossier.pk, note="Đã chụp lại")
    services.dossier_propose(
        dossier_id=dossier.pk,
        actor=desk["specialist"],
        draft_file=inspect(SimpleUploadedFile("ket-qua.pdf", PDF_BYTES), max_mb=10),
    )
    services.dossier_approve(dossier_id=dossier.pk, actor=desk["leader"])
    assert Dossier.objects.get(pk=dossier.pk).status == S.RESOLVED

"""Every officer action, allowed and refused; deadlines paused by supplements."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services, workflow
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import Dossier, DossierEvent, SupplementRequest
from dossiers.uploads import inspect
from notifications.models import Message
from tests.dossiers.factories import TRAITS, in_state, submitted
from tests.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def dossier(catalogue):
    return submitted(catalogue["khai_sinh"], catalogue["long_bien"])


def reload(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def result_pdf():
    return inspect(SimpleUploadedFile("ket-qua.pdf", PDF_BYTES), max_mb=10)


def test_typical_path_with_a_supplement(dossier, desk, catalogue):
    receiving, specialist, leader = desk["receiving"], desk["specialist"], desk["leader"]
    services.dossier_accept(dossier_id=dossier.pk, actor=receiving)
    assert reload(dossier).status == S.ACCEPTED
    services.dossier_forward(
        dossier_id=dossier.pk, actor=receiving, department=desk["justice"], assignee=specialist
    )
    assert (reload(dossier).status, reload(dossier).assignee) == (S.PROCESSING, specialist)
    services.dossier_request_supplement(
        dossier_id=dossier.pk, actor=specialist, documents=["Giấy chứng sinh"], reason="Mờ"
    )
    assert reload(dossier).status == S.SUPPLEMENT_REQUESTED
    with pytest.raises(ValidationError) as error:
        services.dossier_propose(dossier_id=dossier.pk, actor=specialist, draft_file=result_pdf())
    assert error.value.code == "illegal_transition"
    services.dossier_receive_supplement(dossier_id=dossier.pk, note="Đã chụp lại")
    assert reload(dossier).status == S.PROCESSING
    services.dossier_propose(dossier_id=dossier.pk, actor=specialist, draft_file=result_pdf())
    assert reload(dossier).status == S.PROCESSING
    services.dossier_approve(dossier_id=dossier.pk, actor=leader)
    assert reload(dossier).status == S.RESOLVED
    services.dossier_return_result(dossier_id=dossier.pk, actor=receiving, via="in_person")
    final = reload(dossier)
    assert final.status == S.RETURNED and final.returned_at is not None
    actions = list(final.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        (A.SUBMIT, None, S.NEW),
        (A.ACCEPT, S.NEW, S.ACCEPTED),
        (A.FORWARD, S.ACCEPTED, S.PROCESSING),
        (A.REQUEST_SUPPLEMENT, S.PROCESSING, S.SUPPLEMENT_REQUESTED),
        (A.SUPPLEMENT, S.SUPPLEMENT_REQUESTED, S.PROCESSING),
        (A.PROPOSE, S.PROCESSING, S.PROCESSING),
        (A.APPROVE, S.PROCESSING, S.RESOLVED),
        (A.RETURN_RESULT, S.RESOLVED, S.RETURNED),
    ]
    templates = list(Message.objects.order_by("pk").values_list("template", flat=True))
    assert templates == [
        "dossier_submitted",
        "dossier_accepted",
        "supplement_requested",
        "result_ready",
        "result_returned",
    ]


@pytest.mark.parametrize(
    ("action", "status", "role", "allowed"),
    [
        (A.ACCEPT, S.NEW, "receiving", True),
        (A.ACCEPT, S.NEW, "specialist", False),
        (A.ACCEPT, S.PROCESSING, "receiving", False),
        (A.REFUSE, S.NEW, "receiving", True),
        (A.REFUSE, S.ACCEPTED, "receiving", False),
        (A.FORWARD, S.ACCEPTED, "receiving", True),
        (A.FORWARD, S.NEW, "receiving", False),
        (A.RESOLVE, S.PROCESSING, "leader", True),
        (A.RESOLVE, S.PROCESSING, "specialist", False),
        (A.RESOLVE, S.PROCESSING, "receiving", False),
        (A.PROPOSE, S.PROCESSING, "specialist", True),
        (A.PROPOSE, S.PROCESSING, "leader", False),
        (A.PROPOSE, S.PROCESSING, "receiving", False),
        (A.PROPOSE, S.ACCEPTED, "specialist", False),
        (A.END, S.SUPPLEMENT_REQUESTED, "receiving", True),
        (A.END, S.FEE_REQUESTED, "leader", True),
        (A.END, S.SUPPLEMENT_REQUESTED, "specialist", False),
        (A.END, S.PROCESSING, "receiving", False),
        (A.END, S.RESOLVED, "leader", False),
        (A.RECALL, S.PROCESSING, "receiving", True),
        (A.RECALL, S.PROCESSING, "specialist", True),
        (A.RECALL, S.ACCEPTED, "receiving", False),
        (A.RETURN_RESULT, S.RESOLVED, "receiving", True),
        (A.RETURN_RESULT, S.PROCESSING, "receiving", False),
        (A.STOP, S.PROCESSING, "leader", True),
        (A.STOP, S.PROCESSING, "specialist", False),
        (A.RESET_DEADLINE, S.PROCESSING, "leader", True),
        (A.RESET_DEADLINE, S.PROCESSING, "receiving", False),
        (A.WITHDRAW, S.PROCESSING, "leader", False),
    ],
)
def test_transition_table(action, status, role, allowed):
    assert workflow.is_allowed(action, status=status, roles={role}) is allowed


def dossier_in(status, catalogue, desk) -> Dossier:
    """A Long Biên dossier brought to `status` by the factory, as the services would have."""
    return in_state(TRAITS[status], catalogue, desk)


ACTIONS = {
    A.ACCEPT: lambda d, u: services.dossier_accept(dossier_id=d.pk, actor=u),
    A.REFUSE: lambda d, u: services.dossier_refuse(dossier_id=d.pk, actor=u, reason="Sai mẫu"),
    A.REQUEST_SUPPLEMENT: lambda d, u: services.dossier_request_supplement(
        dossier_id=d.pk, actor=u, documents=["Tờ khai"], reason="Thiếu chữ ký"
    ),
    A.REQUEST_FEE: lambda d, u: services.dossier_request_fee(dossier_id=d.pk, actor=u),
    A.CONFIRM_FEE: lambda d, u: services.dossier_confirm_fee(dossier_id=d.pk, actor=u),
    A.STOP: lambda d, u: services.dossier_stop(dossier_id=d.pk, actor=u, reason="Đề nghị"),
    A.END: lambda d, u: services.dossier_end(
        dossier_id=d.pk, actor=u, reason="Quá hạn bổ sung mà công dân không bổ sung"
    ),
    A.PROPOSE: lambda d, u: services.dossier_propose(
        dossier_id=d.pk, actor=u, draft_file=result_pdf()
    ),
    A.RESOLVE: lambda d, u: services.dossier_resolve(
        dossier_id=d.pk, actor=u, result_file=result_pdf()
    ),
    A.RETURN_RESULT: lambda d, u: services.dossier_return_result(
        dossier_id=d.pk, actor=u, via="post", postal_item="EB123456789VN"
    ),
    A.RESET_DEADLINE: lambda d, u: services.dossier_reset_deadline(
        dossier_id=d.pk,
        actor=u,
        new_due_at=datetime.datetime(2099, 1, 1, tzinfo=HCM),
        reason="Cần xác minh",
    ),
    A.APOLOGIZE: lambda d, u: services.dossier_apologize(
        dossier_id=d.pk,
        actor=u,
        new_due_at=datetime.datetime(2099, 1, 1, tzinfo=HCM),
        reason="Chờ xác minh",
    ),
}
EXPECTED = {
    A.ACCEPT: (S.NEW, "receiving", S.ACCEPTED),
    A.REFUSE: (S.NEW, "receiving", S.REFUSED),
    A.REQUEST_SUPPLEMENT: (S.ACCEPTED, "specialist", S.SUPPLEMENT_REQUESTED),
    A.REQUEST_FEE: (S.PROCESSING, "specialist", S.FEE_REQUESTED),
    A.CONFIRM_FEE: (S.FEE_REQUESTED, "receiving", S.PROCESSING),
    A.STOP: (S.PROCESSING, "leader", S.STOPPED),
    A.END: (S.SUPPLEMENT_REQUESTED, "receiving", S.STOPPED),
    A.PROPOSE: (S.PROCESSING, "specialist", S.PROCESSING),
    A.RESOLVE: (S.PROCESSING, "leader", S.RESOLVED),
    A.RETURN_RESULT: (S.RESOLVED, "receiving", S.RETURNED),
    A.RESET_DEADLINE: (S.PROCESSING, "leader", S.PROCESSING),
    A.APOLOGIZE: (S.PROCESSING, "receiving", S.PROCESSING),
}


@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_action_allowed(catalogue, desk, action):
    source, role, target = EXPECTED[action]
    dossier = dossier_in(source, catalogue, desk)
    ACTIONS[action](dossier, desk[role])
    changed = reload(dossier)
    assert changed.status == target
    event = changed.events.last()
    assert (event.action, event.from_status, event.to_status) == (action, source, target)
    assert event.actor == desk[role]


@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_action_refused_from_a_final_status_changes_nothing(catalogue, desk, action):
    _, role, _ = EXPECTED[action]
    dossier = dossier_in(S.RETURNED, catalogue, desk)
    before = (reload(dossier).updated_at, DossierEvent.objects.count(), Message.objects.count())
    with pytest.raises(ValidationError) as error:
        ACTIONS[action](dossier, desk[role])
    assert error.value.code == "illegal_transition"
    assert "Không thể" in error.value.messages[0]
    after = (reload(dossier).updated_at, DossierEvent.objects.count(), Message.objects.count())
    assert after == before


@pytest.mark.parametrize("action", [A.ACCEPT, A.REFUSE, A.REQUEST_SUPPLEMENT, A.STOP])
def test_another_wards_officer_cannot_act(catalogue, desk, action):
    source, _, _ = EXPECTED[action]
    dossier = dossier_in(source, catalogue, desk)
    with pytest.raises(ValidationError) as error:
        ACTIONS[action](dossier, desk["other_ward"])
    assert error.value.code == "not_found"
    assert reload(dossier).status == source


def test_wrong_role_is_refused(dossier, desk):
    with pytest.raises(ValidationError) as error:
        services.dossier_accept(dossier_id=dossier.pk, actor=desk["specialist"])
    assert error.value.code == "forbidden"


def test_accept_starts_the_clock_from_acceptance(catalogue, desk):
    khai_tu = catalogue["khai_sinh"]
    khai_tu.processing_time_kind, khai_tu.processing_days = "working_days", 3
    khai_tu.save()
    with time_machine.travel(datetime.datetime(2026, 11, 20, 16, 0, tzinfo=HCM), tick=False):
        dossier = submitted(khai_tu, catalogue["long_bien"])
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=HCM), tick=False):
        services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    accepted = reload(dossier)
    assert accepted.received_at == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=HCM)
    # Mon 23/11 not counted, Tue 24/11 a holiday: Wed, Thu, Fri 27/11, to the close.
    assert accepted.due_at == accepted.appointment_at
    assert accepted.due_at == datetime.datetime(2026, 11, 27, 17, 0, tzinfo=HCM)


def test_supplement_wait_moves_the_due_date(dossier, desk):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=HCM), tick=False):
        services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    due = reload(dossier).due_at
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=HCM), tick=False):
        services.dossier_request_supplement(
            dossier_id=dossier.pk, actor=desk["receiving"], documents=["Tờ khai"], reason="Thiếu"
        )
    # Answered two working days and one hour later (Thu 3/12 11:00).
    with time_machine.travel(datetime.datetime(2026, 12, 3, 11, 0, tzinfo=HCM), tick=False):
        services.dossier_receive_supplement(dossier_id=dossier.pk)
    moved = reload(dossier)
    assert moved.status == S.ACCEPTED
    # Same-day procedure accepted Tue 1/12 8:00: due 1/12 17:00. Answered Thu 3/12 11:00,
    # before the 15:00 cut-off: its day starts again, due Thu 3/12 17:00.
    assert due == datetime.datetime(2026, 12, 1, 17, 0, tzinfo=HCM)
    assert moved.due_at == moved.appointment_at == datetime.datetime(2026, 12, 3, 17, 0, tzinfo=HCM)
    assert moved.paused_at is None
    request = SupplementRequest.objects.get()
    assert request.answered_at is not None and request.closed_at is not None


def test_supplement_request_needs_documents_and_reason(dossier, desk):
    with pytest.raises(ValidationError):
        services.dossier_request_supplement(
            dossier_id=dossier.pk, actor=desk["receiving"], documents=[" "], reason="x"
        )
    assert reload(dossier).status == S.NEW
    assert not SupplementRequest.objects.exists()


def test_forward_only_to_a_department_of_the_receiving_agency(dossier, desk, catalogue):
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    with pytest.raises(ValidationError) as error:
        services.dossier_forward(
            dossier_id=dossier.pk, actor=desk["receiving"], department=catalogue["ha_dong"]
        )
    assert error.value.code == "department"


def test_return_previous_goes_back_to_the_last_holder(dossier, desk):
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    services.dossier_forward(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        department=desk["justice"],
        assignee=desk["specialist"],
    )
    services.dossier_return_previous(
        dossier_id=dossier.pk, actor=desk["specialist"], note="Thiếu thông tin cha"
    )
    back = reload(dossier)
    assert back.assignee == desk["receiving"] and back.current_department is None


def test_refusal_is_sent_with_its_slip(dossier, desk):
    services.dossier_refuse(dossier_id=dossier.pk, actor=desk["receiving"], reason="Sai thẩm quyền")
    message = Message.objects.get(template="dossier_refused")
    assert message.context["reason"] == "Sai thẩm quyền"
    assert message.attachments == [{"provider": "slip_refusal", "id": dossier.events.last().pk}]


def test_every_officer_action_has_its_form_and_its_service():
    from dossiers.admin.actions import SERVICES
    from dossiers.admin.forms import FORMS

    assert set(workflow.OFFICER_ACTIONS) <= set(FORMS)
    assert set(workflow.OFFICER_ACTIONS) <= set(SERVICES)

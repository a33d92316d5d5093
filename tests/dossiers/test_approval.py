"""The leader's approval, recall and end (issue 14): each transition allowed and refused, by role
and by agency; the approval path end to end; recall only before the next step acts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import selectors, services, slips
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.constants import ProposalOutcome
from dossiers.models import Dossier, DossierEvent, Proposal
from dossiers.uploads import inspect
from notifications.models import Message
from officers.constants import Role
from tests.dossiers.factories import in_state, make_officer
from tests.dossiers.helpers import PDF_BYTES
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

DRAFT_1 = PDF_BYTES.replace(b"%%EOF", b"% du thao 1\n%%EOF")
DRAFT_2 = PDF_BYTES.replace(b"%%EOF", b"% du thao 2\n%%EOF")


def draft(content=PDF_BYTES):
    return inspect(SimpleUploadedFile("du-thao.pdf", content), max_mb=10)


def reload(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def others(catalogue):
    """A specialist and a leader of Phường Hà Đông: another ward."""
    ha_dong = catalogue["ha_dong"]
    return {
        "specialist": make_officer("chuyenvien.hadong", Role.SPECIALIST, agencies=[ha_dong]),
        "leader": make_officer("lanhdao.hadong", Role.LEADER, agencies=[ha_dong]),
    }


@pytest.fixture
def processing(catalogue, desk):
    return in_state("processing", catalogue, desk)


def propose(dossier, desk, **kwargs):
    return services.dossier_propose(
        dossier_id=dossier.pk, actor=desk["specialist"], draft_file=draft(), **kwargs
    )


def code_of(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.code


# --- The approval path ---------------------------------------------------------------------


def test_propose_send_back_propose_again_approve(processing, desk, catalogue):
    specialist, leader = desk["specialist"], desk["leader"]
    services.dossier_propose(
        dossier_id=processing.pk,
        actor=specialist,
        draft_file=draft(DRAFT_1),
        leader=leader,
        note="Kính trình lãnh đạo ký giấy khai sinh",
    )
    awaiting = reload(processing)
    assert awaiting.status == S.PROCESSING and awaiting.awaiting_approval
    # With the leader named in the proposal, at the ward's leadership level.
    assert (awaiting.assignee, awaiting.current_department) == (leader, None)
    counts = {q["slug"]: q["count"] for q in selectors.dossier_queue_counts(user=leader)}
    assert counts["cho-phe-duyet"] == 1 and counts["giao-cho-toi"] == 1
    assert not Message.objects.filter(template="result_ready").exists()

    services.dossier_send_back(
        dossier_id=processing.pk, actor=leader, reason="Sai ngày sinh trên dự thảo"
    )
    back = reload(processing)
    assert not back.awaiting_approval and back.status == S.PROCESSING
    assert (back.assignee, back.current_department) == (specialist, desk["justice"])
    assert not back.result_file
    counts = {q["slug"]: q["count"] for q in selectors.dossier_queue_counts(user=leader)}
    assert counts["cho-phe-duyet"] == 0

    services.dossier_propose(dossier_id=processing.pk, actor=specialist, draft_file=draft(DRAFT_2))
    assert reload(processing).assignee is None  # any leader of the ward: the leaders' queue
    event = services.dossier_approve(
        dossier_id=processing.pk, actor=leader, note="Mang theo CCCD khi nhận"
    )

    done = reload(processing)
    assert event.action == A.APPROVE and (event.from_status, event.to_status) == (4, 9)
    assert done.status == S.RESOLVED and done.resolved_at == event.created_at
    assert not done.awaiting_approval and done.current_department is None
    # The approved draft is the result; the desk officer who accepted the dossier returns it.
    with done.result_file.open("rb") as result:
        assert result.read() == DRAFT_2
    assert done.assignee == desk["receiving"]
    first, second = Proposal.objects.filter(dossier=done)
    assert (first.outcome, first.outcome_note, first.closed_by) == (
        ProposalOutcome.SENT_BACK,
        "Sai ngày sinh trên dự thảo",
        leader,
    )
    assert (first.leader, first.department, first.proposed_by) == (
        leader,
        desk["justice"],
        specialist,
    )
    assert (second.outcome, second.closed_by, second.leader) == (
        ProposalOutcome.APPROVED,
        leader,
        None,
    )
    assert done.result_file.name == second.draft.name != first.draft.name
    assert list(done.events.values_list("action", "from_status", "to_status", "note"))[-4:] == [
        (A.PROPOSE, S.PROCESSING, S.PROCESSING, "Kính trình lãnh đạo ký giấy khai sinh"),
        (A.SEND_BACK, S.PROCESSING, S.PROCESSING, "Sai ngày sinh trên dự thảo"),
        (A.PROPOSE, S.PROCESSING, S.PROCESSING, ""),
        (A.APPROVE, S.PROCESSING, S.RESOLVED, "Mang theo CCCD khi nhận"),
    ]
    ready = Message.objects.filter(template="result_ready")
    assert ready.count() == 1
    assert ready.get().context["note"] == "Mang theo CCCD khi nhận"

    services.dossier_return_result(
        dossier_id=processing.pk, actor=desk["receiving"], via="post", postal_item="EB123456789VN"
    )
    assert reload(processing).status == S.RETURNED
    assert Message.objects.filter(template="result_ready").count() == 1


def test_mau_05_has_a_row_per_step_of_the_approval(processing, desk):
    propose(processing, desk)
    services.dossier_send_back(dossier_id=processing.pk, actor=desk["leader"], reason="Thiếu dấu")
    propose(processing, desk, leader=desk["leader"])
    services.dossier_approve(dossier_id=processing.pk, actor=desk["leader"])
    dossier = reload(processing)
    rows = slips.control_rows(dossier)
    assert [row["event"].action for row in rows][-4:] == [
        A.PROPOSE,
        A.SEND_BACK,
        A.PROPOSE,
        A.APPROVE,
    ]
    proposed, sent_back, named, approved = rows[-4:]
    assert (proposed["from"], proposed["to"], proposed["receiver"]) == (
        "Phòng Tư pháp",
        "Phường Long Biên",
        "Lãnh đạo cơ quan",
    )
    assert (sent_back["from"], sent_back["to"], sent_back["event"].assignee) == (
        "Phường Long Biên",
        "Phòng Tư pháp",
        desk["specialist"],
    )
    assert sent_back["receiver"] == slips.person_name(desk["specialist"])
    assert named["event"].assignee == desk["leader"]
    assert (approved["to"], approved["event"].assignee) == ("Phường Long Biên", desk["receiving"])
    # The table's cells wrap their lines.
    text = " ".join(pdf_text(slips.control_slip(dossier)).split())
    for words in [  # the step, then the units it went between
        "Trình lãnh đạo Phòng Tư pháp → Phường Long Biên",
        "Lãnh đạo cơ quan",
        "Trả lại chuyên viên Phường Long Biên → Phòng Tư pháp",
        "Thiếu dấu",
        "Phê duyệt Phường Long Biên → Phường Long Biên",
    ]:
        assert words in text


# --- Allowed and refused, by role and by agency --------------------------------------------


def _approve(dossier, user):
    return services.dossier_approve(dossier_id=dossier.pk, actor=user)


def _send_back(dossier, user):
    return services.dossier_send_back(dossier_id=dossier.pk, actor=user, reason="Chưa đúng mẫu")


def _propose(dossier, user):
    return services.dossier_propose(dossier_id=dossier.pk, actor=user, draft_file=draft())


def _end(dossier, user):
    return services.dossier_end(dossier_id=dossier.pk, actor=user, reason="Quá hạn bổ sung")


# action: (how, the state it starts from, the roles allowed, the roles refused, the status after)
CASES = {
    A.PROPOSE: (_propose, "processing", ["specialist"], ["leader", "receiving"], S.PROCESSING),
    A.APPROVE: (_approve, "awaiting", ["leader"], ["specialist", "receiving"], S.RESOLVED),
    A.SEND_BACK: (_send_back, "awaiting", ["leader"], ["specialist", "receiving"], S.PROCESSING),
    A.END: (_end, "supplement_requested", ["receiving", "leader"], ["specialist"], S.STOPPED),
}


def start(state, catalogue, desk) -> Dossier:
    if state == "awaiting":
        dossier = in_state("processing", catalogue, desk)
        propose(dossier, desk)
        return dossier
    return in_state(state, catalogue, desk)


@pytest.mark.parametrize(
    ("action", "role"), [(action, role) for action, case in CASES.items() for role in case[2]]
)
def test_allowed(action, role, catalogue, desk):
    how, state, _, _, after = CASES[action]
    dossier = start(state, catalogue, desk)
    event = how(dossier, desk[role])
    assert (event.action, event.actor, event.to_status) == (action, desk[role], after)
    assert reload(dossier).status == after


@pytest.mark.parametrize(
    ("action", "role"), [(action, role) for action, case in CASES.items() for role in case[3]]
)
def test_refused_to_other_roles_changes_nothing(action, role, catalogue, desk):
    how, state, _, _, _ = CASES[action]
    dossier = start(state, catalogue, desk)
    before = (reload(dossier).updated_at, DossierEvent.objects.count(), Proposal.objects.count())
    assert code_of(lambda: how(dossier, desk[role])) == "forbidden"
    after = (reload(dossier).updated_at, DossierEvent.objects.count(), Proposal.objects.count())
    assert after == before


@pytest.mark.parametrize("action", list(CASES))
def test_another_wards_officer_of_the_right_role_gets_not_found(action, catalogue, desk, others):
    how, state, allowed, _, _ = CASES[action]
    dossier = start(state, catalogue, desk)
    # Hà Đông's officer of the role that may act here (its one-stop officer for the desk's).
    outsider = others.get(allowed[0], desk["other_ward"])
    before = (reload(dossier).updated_at, DossierEvent.objects.count(), Proposal.objects.count())
    assert code_of(lambda: how(dossier, outsider)) == "not_found"
    after = (reload(dossier).updated_at, DossierEvent.objects.count(), Proposal.objects.count())
    assert after == before


def test_another_wards_officer_cannot_recall(processing, desk, others):
    propose(processing, desk)
    code = code_of(
        lambda: services.dossier_recall(dossier_id=processing.pk, actor=others["specialist"])
    )
    assert code == "not_found"
    assert reload(processing).awaiting_approval


def test_approve_or_send_back_needs_a_proposal(processing, desk):
    assert code_of(lambda: _approve(processing, desk["leader"])) == "no_proposal"
    assert code_of(lambda: _send_back(processing, desk["leader"])) == "no_proposal"
    assert not reload(processing).result_file


def test_nothing_else_moves_the_dossier_while_the_leader_decides(processing, desk):
    propose(processing, desk)
    attempts = {
        "propose": lambda: _propose(processing, desk["specialist"]),
        "forward": lambda: services.dossier_forward(
            dossier_id=processing.pk, actor=desk["specialist"], department=desk["justice"]
        ),
        "return_previous": lambda: services.dossier_return_previous(
            dossier_id=processing.pk, actor=desk["specialist"], note="Trả lại"
        ),
        "request_supplement": lambda: services.dossier_request_supplement(
            dossier_id=processing.pk, actor=desk["specialist"], documents=["Tờ khai"], reason="x"
        ),
        "request_fee": lambda: services.dossier_request_fee(
            dossier_id=processing.pk, actor=desk["receiving"]
        ),
        "assign": lambda: services.dossier_assign(
            dossier_id=processing.pk, actor=desk["receiving"], assignee=desk["receiving"]
        ),
        # The leader decides on the proposal rather than signing around it.
        "resolve": lambda: services.dossier_resolve(
            dossier_id=processing.pk, actor=desk["leader"], result_file=draft()
        ),
    }
    for name, attempt in attempts.items():
        assert code_of(attempt) == "awaiting_approval", name
    dossier = reload(processing)
    assert dossier.awaiting_approval and dossier.events.last().action == A.PROPOSE


def test_from_another_status_the_approval_actions_are_illegal(catalogue, desk):
    accepted = in_state("accepted", catalogue, desk)
    assert code_of(lambda: _propose(accepted, desk["specialist"])) == "illegal_transition"
    assert code_of(lambda: _approve(accepted, desk["leader"])) == "illegal_transition"
    resolved = in_state("resolved", catalogue, desk)
    assert code_of(lambda: _send_back(resolved, desk["leader"])) == "illegal_transition"


def test_send_back_needs_a_reason(processing, desk):
    propose(processing, desk)
    code = code_of(
        lambda: services.dossier_send_back(
            dossier_id=processing.pk, actor=desk["leader"], reason="  "
        )
    )
    assert code == "reason_required"
    assert reload(processing).awaiting_approval


def test_the_proposal_names_a_leader_of_the_ward(processing, desk, others):
    for not_a_leader in [desk["receiving"], others["leader"]]:
        code = code_of(lambda user=not_a_leader: propose(processing, desk, leader=user))
        assert code == "leader"
    assert not Proposal.objects.exists() and not reload(processing).awaiting_approval


def test_the_leader_may_still_sign_directly(processing, desk):
    """Without a proposal the leader resolves with the result they signed; it goes to the desk."""
    services.dossier_resolve(dossier_id=processing.pk, actor=desk["leader"], result_file=draft())
    done = reload(processing)
    assert done.status == S.RESOLVED and done.assignee == desk["receiving"]
    assert Message.objects.filter(template="result_ready").count() == 1


@pytest.mark.parametrize("how", ["stop", "withdraw"])
def test_stop_or_withdrawal_closes_the_proposal(processing, desk, how):
    propose(processing, desk)
    if how == "stop":
        services.dossier_stop(dossier_id=processing.pk, actor=desk["leader"], reason="Theo yêu cầu")
    else:
        services.dossier_withdraw(dossier_id=processing.pk, reason="Nộp nhầm")
    dossier = reload(processing)
    assert dossier.status in (S.STOPPED, S.WITHDRAWN) and not dossier.awaiting_approval
    proposal = Proposal.objects.get()
    assert proposal.outcome == ProposalOutcome.CLOSED and proposal.closed_at is not None


# --- Recall ("Thu hồi") --------------------------------------------------------------------


def test_the_desk_recalls_a_forward_before_the_department_acts(catalogue, desk):
    accepted = in_state("accepted", catalogue, desk)
    services.dossier_forward(
        dossier_id=accepted.pk,
        actor=desk["receiving"],
        department=desk["justice"],
        assignee=desk["specialist"],
    )
    event = services.dossier_recall(dossier_id=accepted.pk, actor=desk["receiving"], note="Nhầm")
    back = reload(accepted)
    assert (event.action, event.from_status, event.to_status) == (A.RECALL, 4, 2)
    assert back.status == S.ACCEPTED
    assert (back.current_department, back.assignee) == (None, desk["receiving"])
    assert (event.agency, event.assignee, event.note) == (
        catalogue["long_bien"],
        desk["receiving"],
        "Nhầm",
    )
    # Nothing left to take back: the recall is the last step now.
    code = code_of(lambda: services.dossier_recall(dossier_id=accepted.pk, actor=desk["receiving"]))
    assert code == "illegal_transition"


def test_the_specialist_recalls_a_forward_to_another_officer(processing, desk):
    colleague = make_officer(
        "chuyenvien2",
        Role.SPECIALIST,
        agencies=[processing.receiving_agency],
        department=desk["justice"],
    )
    services.dossier_forward(
        dossier_id=processing.pk,
        actor=desk["specialist"],
        department=desk["justice"],
        assignee=colleague,
    )
    services.dossier_recall(dossier_id=processing.pk, actor=desk["specialist"])
    back = reload(processing)
    assert (back.status, back.current_department, back.assignee) == (
        S.PROCESSING,
        desk["justice"],
        desk["specialist"],
    )


def test_no_recall_once_the_next_step_acted(catalogue, desk):
    accepted = in_state("accepted", catalogue, desk)
    services.dossier_forward(
        dossier_id=accepted.pk, actor=desk["receiving"], department=desk["justice"]
    )
    # The department gives it to its specialist: the next step has acted.
    services.dossier_assign(
        dossier_id=accepted.pk, actor=desk["specialist"], assignee=desk["specialist"]
    )
    code = code_of(lambda: services.dossier_recall(dossier_id=accepted.pk, actor=desk["receiving"]))
    assert code == "not_recallable"
    assert reload(accepted).assignee == desk["specialist"]


def test_only_the_author_recalls(processing, desk):
    propose(processing, desk)
    leader = desk["leader"]
    code = code_of(lambda: services.dossier_recall(dossier_id=processing.pk, actor=leader))
    assert code == "not_recallable"
    assert reload(processing).awaiting_approval


def test_the_specialist_recalls_a_proposal_before_the_leader_decides(processing, desk):
    propose(processing, desk, leader=desk["leader"])
    event = services.dossier_recall(
        dossier_id=processing.pk, actor=desk["specialist"], note="Sửa lại dự thảo"
    )
    back = reload(processing)
    assert (event.action, event.from_status, event.to_status) == (A.RECALL, 4, 4)
    assert not back.awaiting_approval
    assert (back.current_department, back.assignee) == (desk["justice"], desk["specialist"])
    proposal = Proposal.objects.get()
    assert (proposal.outcome, proposal.closed_by, proposal.outcome_note) == (
        ProposalOutcome.RECALLED,
        desk["specialist"],
        "Sửa lại dự thảo",
    )
    # The leader has nothing left to decide; the specialist may propose again.
    assert code_of(lambda: _approve(processing, desk["leader"])) == "no_proposal"
    propose(processing, desk)
    assert reload(processing).awaiting_approval


@pytest.mark.parametrize("leader_acts", ["send_back", "reset_deadline"])
def test_no_recall_of_a_proposal_once_the_leader_acted(processing, desk, leader_acts):
    propose(processing, desk)
    if leader_acts == "send_back":
        _send_back(processing, desk["leader"])
    else:
        services.dossier_reset_deadline(
            dossier_id=processing.pk,
            actor=desk["leader"],
            new_due_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
            reason="Cần xác minh thêm",
        )
    code = code_of(
        lambda: services.dossier_recall(dossier_id=processing.pk, actor=desk["specialist"])
    )
    assert code == "not_recallable"


# --- End ("Kết thúc") ----------------------------------------------------------------------


def test_end_without_a_supplement(catalogue, desk):
    dossier = in_state("supplement_requested", catalogue, desk)
    event = services.dossier_end(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        reason="Quá thời hạn bổ sung mà công dân không bổ sung hồ sơ",
    )
    ended = reload(dossier)
    # No national code of its own: the closest, 8, under its own event.
    assert ended.status == S.STOPPED
    assert (event.action, event.from_status, event.to_status) == (A.END, 5, 8)
    assert ended.events.last().get_action_display() == "Kết thúc"
    assert ended.supplements.get().closed_at == event.created_at
    message = Message.objects.get(template="dossier_ended")
    assert message.context["reason"] == "Quá thời hạn bổ sung mà công dân không bổ sung hồ sơ"
    assert not Message.objects.filter(template="dossier_stopped").exists()
    # Final: nothing more happens.
    assert code_of(lambda: _end(dossier, desk["leader"])) == "illegal_transition"


def test_end_unpaid_fee_by_the_leader(catalogue, desk):
    dossier = in_state("fee_requested", catalogue, desk)
    services.dossier_end(dossier_id=dossier.pk, actor=desk["leader"], reason="Không nộp phí")
    assert reload(dossier).status == S.STOPPED


def test_end_needs_a_reason_and_a_dossier_waiting_on_the_citizen(catalogue, desk, processing):
    waiting = in_state("supplement_requested", catalogue, desk)
    code = code_of(
        lambda: services.dossier_end(dossier_id=waiting.pk, actor=desk["receiving"], reason="")
    )
    assert code == "reason_required"
    # A dossier being processed is stopped (by the leader, "Dừng xử lý"), not ended.
    assert code_of(lambda: _end(processing, desk["receiving"])) == "illegal_transition"


def test_return_previous_skips_what_was_taken_back_or_sent_back(catalogue, desk):
    """A recalled forward and a proposal sent back leave the holder as before them, so "Trả lại
    bước trước" goes to the holder before the forward that stands."""
    accepted = in_state("accepted", catalogue, desk)
    forward = {"actor": desk["receiving"], "department": desk["justice"]}
    services.dossier_forward(dossier_id=accepted.pk, **forward)
    services.dossier_recall(dossier_id=accepted.pk, actor=desk["receiving"])
    services.dossier_forward(dossier_id=accepted.pk, assignee=desk["specialist"], **forward)
    propose(accepted, desk)
    _send_back(accepted, desk["leader"])
    propose(accepted, desk)
    services.dossier_recall(dossier_id=accepted.pk, actor=desk["specialist"])
    services.dossier_return_previous(
        dossier_id=accepted.pk, actor=desk["specialist"], note="Thiếu giấy tờ"
    )
    back = reload(accepted)
    assert (back.current_department, back.assignee) == (None, desk["receiving"])

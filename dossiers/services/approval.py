"""The leader's approval and taking a hand-over back.

The specialist does not mark the result ready alone: they submit the draft result to the leader
("Trình lãnh đạo"), who approves it ("Phê duyệt": the draft becomes the result, status 9) or
sends it back with a reason ("Trả lại chuyên viên"). The proposal (models.Proposal) keeps the
draft and the decision; while it awaits, the dossier points at it and is with the agency's
leadership (the leader named in it, or any leader: the "Chờ lãnh đạo phê duyệt" queue).

"Thu hồi": the author of the dossier's last hand-over (a forward or a proposal) takes it back
before the next step has acted on it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import workflow
from dossiers.constants import DossierStatus, EventAction, ProposalOutcome
from dossiers.models import DossierEvent, Proposal
from dossiers.services.common import (
    Actor,
    close_proposal,
    close_review,
    lock,
    notify,
    receiving_officer_id,
    record,
    require_reason,
)
from dossiers.services.files import files_removed_on_failure, store
from dossiers.uploads import CheckedUpload
from officers import selectors as officer_selectors


@transaction.atomic
def dossier_propose(
    *,
    dossier_id: int,
    actor: Actor,
    draft_file: CheckedUpload,
    leader: Actor = None,
    note: str = "",
) -> DossierEvent:
    """Submit the draft result to the leader (`leader`, or any leader of the agency)."""
    dossier = lock(dossier_id, actor, EventAction.PROPOSE)
    if (
        leader is not None
        and not officer_selectors.leaders_above(dossier.holder).filter(pk=leader.pk).exists()
    ):
        raise ValidationError(_("Người này không phải lãnh đạo của cơ quan."), code="leader")
    now = timezone.now()
    with files_removed_on_failure() as stored:
        proposal = Proposal.objects.create(
            dossier=dossier,
            draft=store(draft_file, stored),
            note=note,
            department=dossier.current_department,
            proposed_by=actor,
            proposed_at=now,
            leader=leader,
        )
        dossier.pending_proposal = proposal
        # With the agency's leadership until the decision; the proposal says where it came from.
        dossier.current_department = None
        dossier.assignee = leader
        close_review(dossier, now)
        return record(
            dossier,
            actor,
            EventAction.PROPOSE,
            fields=["pending_proposal", "current_department", "assignee"],
            note=note,
            now=now,
        )


@transaction.atomic
def dossier_approve(*, dossier_id: int, actor: Actor, note: str = "") -> DossierEvent:
    """Approve the proposal: its draft becomes the result (status 9), the dossier goes to the
    one-stop desk that accepted it, and the citizen is told (with `note`, if any)."""
    dossier = lock(dossier_id, actor, EventAction.APPROVE)
    now = timezone.now()
    proposal = close_proposal(dossier, actor, ProposalOutcome.APPROVED, now=now, note=note)
    dossier.result_file.name = proposal.draft.name
    dossier.resolved_at = now
    # The result goes back to the desk that received the dossier (from the resolving agency too).
    dossier.current_department, dossier.at_resolving_agency = None, False
    dossier.assignee_id = receiving_officer_id(dossier)
    close_review(dossier, now)
    event = record(
        dossier,
        actor,
        EventAction.APPROVE,
        fields=[
            "pending_proposal",
            "result_file",
            "resolved_at",
            "current_department",
            "at_resolving_agency",
            "assignee",
        ],
        to_status=DossierStatus.RESOLVED,
        note=note,
        now=now,
    )
    notify(dossier, "result_ready", note=note)
    return event


@transaction.atomic
def dossier_send_back(*, dossier_id: int, actor: Actor, reason: str) -> DossierEvent:
    """Send the proposal back to its author, with the reason they read."""
    require_reason(reason, _("Vui lòng ghi rõ lý do trả lại."))
    dossier = lock(dossier_id, actor, EventAction.SEND_BACK)
    now = timezone.now()
    proposal = close_proposal(dossier, actor, ProposalOutcome.SENT_BACK, now=now, note=reason)
    dossier.current_department_id = proposal.department_id
    dossier.assignee_id = proposal.proposed_by_id
    return record(
        dossier,
        actor,
        EventAction.SEND_BACK,
        fields=["pending_proposal", "current_department", "assignee"],
        note=reason,
        now=now,
    )


@transaction.atomic
def dossier_recall(*, dossier_id: int, actor: Actor, note: str = "") -> DossierEvent:
    """Take back one's own last hand-over (a forward or a proposal) before anyone acts on it:
    the dossier returns to where it was before, with the status it had."""
    dossier = lock(dossier_id, actor, EventAction.RECALL)
    last_two = list(dossier.events.order_by("-created_at", "-pk")[:2])
    hand_over = last_two[0] if last_two else None
    if not workflow.can_recall(hand_over, actor):
        raise ValidationError(
            _(
                "Chỉ thu hồi được bước chuyển hồ sơ gần nhất do chính bạn thực hiện, "
                "khi bước sau chưa xử lý."
            ),
            code="not_recallable",
        )
    now = timezone.now()
    if hand_over.action == EventAction.PROPOSE:
        proposal = close_proposal(dossier, actor, ProposalOutcome.RECALLED, now=now, note=note)
        dossier.current_department_id = proposal.department_id
        dossier.assignee_id = proposal.proposed_by_id
        to_status = dossier.status
    else:
        # A forward: back to the holder after the step before it (every step records the
        # holder it leaves), and to the status the forward found.
        if len(last_two) < 2:
            raise ValidationError(_("Không có bước trước để trả hồ sơ về."), code="not_recallable")
        before = last_two[1]
        if hand_over.action == EventAction.FORWARD_AGENCY:  # back from the resolving agency
            dossier.resolving_agency, dossier.at_resolving_agency = None, False
        in_department = before.agency_id not in (None, dossier.holder_id)
        dossier.current_department_id = before.agency_id if in_department else None
        dossier.assignee_id = before.assignee_id
        to_status = hand_over.from_status
    return record(
        dossier,
        actor,
        EventAction.RECALL,
        fields=[
            "pending_proposal",
            "current_department",
            "assignee",
            "resolving_agency",
            "at_resolving_agency",
        ],
        to_status=to_status,
        note=note,
        now=now,
    )

"""What every officer action shares: the lock and its checks, the audit row, the reasons.

Each action locks the dossier row, refuses an illegal transition with a clear message and no
change, saves with update_fields, appends the event it returns (the audit row), and queues the
citizen's message after commit.
"""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import workflow
from dossiers.constants import EventAction
from dossiers.models import Dossier, DossierEvent, Proposal
from dossiers.notify import dossier_notify
from officers import selectors as officer_selectors

# The officer acting (a staff user), or None for the citizen acting through the public pages.
Actor = AbstractUser | None


def lock(dossier_id: int, actor: Actor, action: str) -> Dossier:
    """Return the locked dossier if `actor` may do `action` on it now, else raise."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related(
            "procedure",
            "receiving_agency",
            "resolving_agency",
            "current_department",
            "assignee",
            "pending_proposal",
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise ValidationError(_("Không tìm thấy hồ sơ."), code="not_found")
    # Only the agency holding the dossier acts on it: the resolving agency while it has it (liên
    # thông), the receiving agency otherwise; others who may see it cannot act, but for the desk
    # recalling its own hand-over to the resolving agency (the recall checks the author).
    if (
        actor is not None
        and not officer_selectors.has_agency(actor, dossier.holder_id)
        and not (action == EventAction.RECALL and officer_selectors.can_access(actor, dossier))
    ):
        if not officer_selectors.can_access(actor, dossier):
            raise ValidationError(_("Không tìm thấy hồ sơ."), code="not_found")
        raise ValidationError(
            _("Hồ sơ đang ở %(agency)s: chỉ cán bộ của cơ quan này được xử lý.")
            % {"agency": dossier.holder.name},
            code="not_holder",
        )
    roles = {workflow.CITIZEN} if actor is None else officer_selectors.user_roles(actor)
    rule = workflow.TRANSITIONS[action]
    if dossier.status not in rule.sources:
        raise ValidationError(
            _("Không thể “%(action)s” hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": EventAction(action).label, "status": dossier.get_status_display()},
            code="illegal_transition",
        )
    if not rule.roles & roles:
        raise ValidationError(
            _("Vai trò của bạn không được thực hiện “%(action)s”.")
            % {"action": EventAction(action).label},
            code="forbidden",
        )
    if rule.awaiting_approval is not None and rule.awaiting_approval != dossier.awaiting_approval:
        if dossier.awaiting_approval:
            message = _("Hồ sơ đang chờ lãnh đạo phê duyệt, chưa thể “%(action)s”.")
        else:
            message = _("Hồ sơ không có tờ trình nào đang chờ lãnh đạo phê duyệt.")
        raise ValidationError(
            message % {"action": EventAction(action).label},
            code="awaiting_approval" if dossier.awaiting_approval else "no_proposal",
        )
    return dossier


def record(
    dossier: Dossier,
    actor: Actor,
    action: str,
    *,
    fields: list[str] = (),
    to_status: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
    actor_name: str | None = None,
) -> DossierEvent:
    """Save the changed `fields` (and the new status) and append the event to the history;
    `actor_name` names who acted when it is neither an officer nor the citizen (the system)."""
    from_status = dossier.status
    if to_status is not None:
        dossier.status = to_status
    dossier.save(update_fields=[*fields, "status", "updated_at"])
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor,
        actor_name=actor_name if actor_name is not None else name_of(actor, dossier),
        # By id: a holder set by id (from a proposal, an earlier event) is not read for this.
        agency_id=dossier.current_department_id or dossier.holder_id,
        assignee_id=dossier.assignee_id,
        due_at=dossier.due_at,
        appointment_at=dossier.appointment_at,
        note=note,
        created_at=now or timezone.now(),
    )


def name_of(actor: Actor, dossier: Dossier) -> str:
    if actor is None:
        return dossier.applicant_name
    return actor.get_full_name() or actor.get_username()


def notify(dossier: Dossier, template: str, *, attachments=None, **context) -> None:
    """Queue the citizen's message about the action, with `context` on top of the summary."""
    dossier_notify(
        dossier=dossier, template=template, extra_context=context, attachments=attachments
    )


def require_reason(text: str, message: str) -> None:
    """Refuse an action whose reason (which the citizen or the next officer reads) is blank."""
    if not text.strip():
        raise ValidationError(message, code="reason_required")


def close_review(dossier: Dossier, now: datetime.datetime) -> None:
    """An officer acting on a supplemented dossier takes it out of the "đã bổ sung" queue."""
    dossier.supplements.filter(answered_at__isnull=False, reviewed_at__isnull=True).update(
        reviewed_at=now
    )


def receiving_officer_id(dossier: Dossier) -> int | None:
    """The officer who accepted the dossier at the desk, who hands the result over."""
    return (
        dossier.events.filter(action=EventAction.ACCEPT)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def close_proposal(
    dossier: Dossier, actor: Actor, outcome: str, *, now: datetime.datetime, note: str = ""
) -> Proposal | None:
    """Close the proposal awaiting the leader, if any; the caller saves "pending_proposal"."""
    proposal = dossier.pending_proposal
    if proposal is None:
        return None
    proposal.closed_at, proposal.closed_by = now, actor
    proposal.outcome, proposal.outcome_note = outcome, note
    proposal.save(update_fields=["closed_at", "closed_by", "outcome", "outcome_note"])
    dossier.pending_proposal = None
    return proposal


def require_no_open_supplement(dossier: Dossier) -> None:
    if dossier.supplements.filter(closed_at__isnull=True).exists():
        raise ValidationError(
            _("Hồ sơ đang chờ công dân bổ sung, chưa thể xử lý tiếp."), code="supplement_open"
        )

"""The table of allowed transitions: which action, from which statuses, to which, by which role.

Services enforce it; the admin shows exactly the buttons it allows.

While a proposal awaits the leader (Dossier.pending_proposal), the dossier keeps the national
status 4 "Đang xử lý", which has no code for that step: the table says per action whether it
needs such a proposal (approve, send back), needs none (what the specialist or the desk does with
a dossier in hand), or does not care (stop, deadlines, withdrawal).
"""

from dataclasses import dataclass

from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from officers.constants import Role as R
from procedures.constants import ResultDelivery

ACTIVE = frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED})
CITIZEN = "citizen"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[int]
    # None: the status stays (or, for a supplement or a recall, returns to where it was)
    target: int | None
    roles: frozenset[str]
    # True: only while a proposal awaits the leader; False: only while none does; None: either.
    awaiting_approval: bool | None = None


# The hand-overs their author may take back ("Thu hồi") while they are the dossier's last step.
RECALLABLE = frozenset({A.FORWARD, A.FORWARD_AGENCY, A.PROPOSE})


TRANSITIONS: dict[str, Transition] = {
    A.ACCEPT: Transition(frozenset({S.NEW}), S.ACCEPTED, frozenset({R.RECEIVING})),
    A.REFUSE: Transition(frozenset({S.NEW}), S.REFUSED, frozenset({R.RECEIVING})),
    A.REQUEST_SUPPLEMENT: Transition(
        frozenset({S.NEW, S.ACCEPTED, S.PROCESSING}),
        S.SUPPLEMENT_REQUESTED,
        frozenset({R.RECEIVING, R.SPECIALIST}),
        awaiting_approval=False,
    ),
    A.SUPPLEMENT: Transition(
        frozenset({S.SUPPLEMENT_REQUESTED}), None, frozenset({R.RECEIVING, CITIZEN})
    ),
    A.FORWARD: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}),
        S.PROCESSING,
        frozenset({R.RECEIVING, R.SPECIALIST, R.LEADER}),
        awaiting_approval=False,
    ),
    # Liên thông: the desk forwards the dossier to the agency that resolves it.
    A.FORWARD_AGENCY: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING, frozenset({R.RECEIVING})
    ),
    A.RETURN_PREVIOUS: Transition(
        frozenset({S.PROCESSING}),
        S.PROCESSING,
        frozenset({R.SPECIALIST, R.LEADER}),
        awaiting_approval=False,
    ),
    # The specialist submits the draft result; the leader approves it or sends it back.
    A.PROPOSE: Transition(
        frozenset({S.PROCESSING}),
        S.PROCESSING,
        frozenset({R.SPECIALIST}),
        awaiting_approval=False,
    ),
    A.APPROVE: Transition(
        frozenset({S.PROCESSING}), S.RESOLVED, frozenset({R.LEADER}), awaiting_approval=True
    ),
    A.SEND_BACK: Transition(
        frozenset({S.PROCESSING}), S.PROCESSING, frozenset({R.LEADER}), awaiting_approval=True
    ),
    # Only its author, and only while it is the last step (services.approval.dossier_recall).
    A.RECALL: Transition(
        frozenset({S.PROCESSING}), None, frozenset({R.RECEIVING, R.SPECIALIST, R.LEADER})
    ),
    A.REQUEST_FEE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}),
        S.FEE_REQUESTED,
        frozenset({R.RECEIVING, R.SPECIALIST}),
        awaiting_approval=False,
    ),
    A.CONFIRM_FEE: Transition(frozenset({S.FEE_REQUESTED}), S.PROCESSING, frozenset({R.RECEIVING})),
    A.STOP: Transition(ACTIVE, S.STOPPED, frozenset({R.LEADER})),
    # The dossier ends without a result because the citizen did not supplement it or did not
    # pay: no national code of its own, so the closest, 8 "Dừng xử lý", under its own event.
    A.END: Transition(
        frozenset({S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED}),
        S.STOPPED,
        frozenset({R.RECEIVING, R.LEADER}),
    ),
    # The leader signs the result directly; the specialist goes through a proposal.
    A.RESOLVE: Transition(
        frozenset({S.PROCESSING}), S.RESOLVED, frozenset({R.LEADER}), awaiting_approval=False
    ),
    A.RETURN_RESULT: Transition(frozenset({S.RESOLVED}), S.RETURNED, frozenset({R.RECEIVING})),
    # What the post reports of a result sent by post (services.delivery): delivered or returned.
    A.POSTAL_OUTCOME: Transition(frozenset({S.RETURNED}), None, frozenset({R.RECEIVING})),
    # The result issued online with its verification QR code, once; revoked by a leader.
    A.ISSUE_RESULT: Transition(frozenset({S.RESOLVED}), None, frozenset({R.RECEIVING, R.LEADER})),
    A.REVOKE_RESULT: Transition(frozenset({S.RESOLVED, S.RETURNED}), None, frozenset({R.LEADER})),
    A.RESET_DEADLINE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED}), None, frozenset({R.LEADER})
    ),
    A.APOLOGIZE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED}),
        None,
        frozenset({R.RECEIVING, R.LEADER}),
    ),
    A.WITHDRAW: Transition(frozenset({S.NEW, *ACTIVE}), S.WITHDRAWN, frozenset({CITIZEN})),
    # While a proposal awaits, the proposal says who holds the dossier (and who gets it back).
    A.ASSIGN: Transition(
        frozenset({S.NEW, *ACTIVE, S.RESOLVED}),
        None,
        frozenset({R.RECEIVING, R.SPECIALIST, R.LEADER}),
        awaiting_approval=False,
    ),
}

# The order of the buttons on a dossier's page.
OFFICER_ACTIONS = [
    A.ACCEPT,
    A.REQUEST_SUPPLEMENT,
    A.REFUSE,
    A.FORWARD,
    A.FORWARD_AGENCY,
    A.RETURN_PREVIOUS,
    A.PROPOSE,
    A.APPROVE,
    A.SEND_BACK,
    A.RECALL,
    A.REQUEST_FEE,
    A.CONFIRM_FEE,
    A.RESOLVE,
    A.ISSUE_RESULT,
    A.RETURN_RESULT,
    A.POSTAL_OUTCOME,
    A.REVOKE_RESULT,
    A.SUPPLEMENT,
    A.ASSIGN,
    A.RESET_DEADLINE,
    A.APOLOGIZE,
    A.END,
    A.STOP,
]


def is_allowed(
    action: str, *, status: int, roles: set[str], awaiting_approval: bool = False
) -> bool:
    """Whether the table lets one of `roles` do `action` on a dossier in `status`, with or
    without a proposal awaiting the leader."""
    rule = TRANSITIONS[action]
    return (
        status in rule.sources
        and bool(rule.roles & roles)
        and rule.awaiting_approval in (None, awaiting_approval)
    )


def can_recall(last_event, user) -> bool:
    """Whether `user` may take back the dossier's `last_event`: their own hand-over, which the
    next step has not acted on (it is still the last)."""
    return (
        last_event is not None
        and last_event.action in RECALLABLE
        and last_event.actor_id is not None
        and last_event.actor_id == user.pk
    )


def officer_actions(dossier, *, user, roles: set[str]) -> list[str]:
    """The actions `user` (with `roles`) may take on `dossier` now, in the buttons' order.

    Reads `dossier.events.all()` (prefetched by the back-office pages) for the recall.
    """
    actions = [
        action
        for action in OFFICER_ACTIONS
        if is_allowed(
            action,
            status=dossier.status,
            roles=roles,
            awaiting_approval=dossier.awaiting_approval,
        )
    ]
    if A.POSTAL_OUTCOME in actions and dossier.returned_via != ResultDelivery.POST:
        actions.remove(A.POSTAL_OUTCOME)
    if A.ISSUE_RESULT in actions or A.REVOKE_RESULT in actions:
        issued = dossier.issued
        if issued is not None:
            actions = [action for action in actions if action != A.ISSUE_RESULT]
        if issued is None or not issued.valid:
            actions = [action for action in actions if action != A.REVOKE_RESULT]
    if A.RECALL in actions:
        events = list(dossier.events.all())
        if not can_recall(events[-1] if events else None, user):
            actions.remove(A.RECALL)
    return actions

"""The table of allowed transitions: which action, from which statuses, to which, by which role.

Services enforce it; the admin shows exactly the buttons it allows.
"""

from dataclasses import dataclass

from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from officers.constants import Role as R

ACTIVE = frozenset({S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED})
CITIZEN = "citizen"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[int]
    target: int | None  # None: the status stays (or, for a supplement, returns to where it was)
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    A.ACCEPT: Transition(frozenset({S.NEW}), S.ACCEPTED, frozenset({R.RECEIVING})),
    A.REFUSE: Transition(frozenset({S.NEW}), S.REFUSED, frozenset({R.RECEIVING})),
    A.REQUEST_SUPPLEMENT: Transition(
        frozenset({S.NEW, S.ACCEPTED, S.PROCESSING}),
        S.SUPPLEMENT_REQUESTED,
        frozenset({R.RECEIVING, R.SPECIALIST}),
    ),
    A.SUPPLEMENT: Transition(
        frozenset({S.SUPPLEMENT_REQUESTED}), None, frozenset({R.RECEIVING, CITIZEN})
    ),
    A.FORWARD: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}),
        S.PROCESSING,
        frozenset({R.RECEIVING, R.SPECIALIST, R.LEADER}),
    ),
    # Liên thông: the desk forwards the dossier to the agency that resolves it.
    A.FORWARD_AGENCY: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}), S.PROCESSING, frozenset({R.RECEIVING})
    ),
    A.RETURN_PREVIOUS: Transition(
        frozenset({S.PROCESSING}), S.PROCESSING, frozenset({R.SPECIALIST, R.LEADER})
    ),
    A.REQUEST_FEE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING}),
        S.FEE_REQUESTED,
        frozenset({R.RECEIVING, R.SPECIALIST}),
    ),
    A.CONFIRM_FEE: Transition(frozenset({S.FEE_REQUESTED}), S.PROCESSING, frozenset({R.RECEIVING})),
    A.STOP: Transition(ACTIVE, S.STOPPED, frozenset({R.LEADER})),
    A.RESOLVE: Transition(
        frozenset({S.PROCESSING}), S.RESOLVED, frozenset({R.SPECIALIST, R.LEADER})
    ),
    A.RETURN_RESULT: Transition(frozenset({S.RESOLVED}), S.RETURNED, frozenset({R.RECEIVING})),
    A.RESET_DEADLINE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED}), None, frozenset({R.LEADER})
    ),
    A.APOLOGIZE: Transition(
        frozenset({S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED}),
        None,
        frozenset({R.RECEIVING, R.LEADER}),
    ),
    A.WITHDRAW: Transition(frozenset({S.NEW, *ACTIVE}), S.WITHDRAWN, frozenset({CITIZEN})),
    A.ASSIGN: Transition(
        frozenset({S.NEW, *ACTIVE, S.RESOLVED}),
        None,
        frozenset({R.RECEIVING, R.SPECIALIST, R.LEADER}),
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
    A.REQUEST_FEE,
    A.CONFIRM_FEE,
    A.RESOLVE,
    A.RETURN_RESULT,
    A.SUPPLEMENT,
    A.ASSIGN,
    A.RESET_DEADLINE,
    A.APOLOGIZE,
    A.STOP,
]


def is_allowed(action: str, *, status: int, roles: set[str]) -> bool:
    rule = TRANSITIONS[action]
    return status in rule.sources and bool(rule.roles & roles)

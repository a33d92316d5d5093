"""Reads for the intake wizard and the citizen's own dossier pages."""

import datetime
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import timeliness, workflow
from dossiers.constants import FINAL, UNFINISHED, EventAction
from dossiers.constants import DossierStatus as S
from dossiers.models import (
    Dossier,
    DossierEvent,
    DossierNote,
    Draft,
    Proposal,
    SupplementRequest,
)
from officers.selectors import agency_scope, user_roles
from payments.models import PaymentOrder
from procedures.constants import ApplicantRole, ResultDelivery
from procedures.models import Agency, Procedure
from procedures.selectors import applicant_values, procedure_resolving_agency


def procedure_receiving_agencies(*, procedure: Procedure) -> QuerySet[Agency]:
    return (
        procedure.receiving_agencies.filter(is_active=True)
        .select_related("province")
        .order_by("province__name", "tier", "name")
    )


def draft_for_session(*, token: uuid.UUID, session_tokens: list[str]) -> Draft | None:
    """Return the draft `token` if it belongs to this browser session, else None."""
    if str(token) not in session_tokens:
        return None
    return (
        Draft.objects.select_related("procedure", "agency", "dossier")
        .prefetch_related("files")  # the procedure's parts: procedures.selectors.procedure_parts
        .filter(token=token)
        .first()
    )


# The contact step's fields, and the applicant roles of the declaration that fill them.
CONTACT_FROM_APPLICANT = {
    "ho_ten": ApplicantRole.NAME,
    "email": ApplicantRole.EMAIL,
    "dien_thoai": ApplicantRole.PHONE,
    "dia_chi": ApplicantRole.ADDRESS,
}


def draft_contact_initial(*, draft: Draft) -> dict:
    """The contact step as the citizen left it, or, the first time, what the declaration already
    says of the applicant (name, address, phone, email), for them to check and complete."""
    if draft.contact:
        return draft.contact
    applicant = applicant_values(draft.procedure, draft.declaration)
    return {
        key: applicant[role] for key, role in CONTACT_FROM_APPLICANT.items() if role in applicant
    }


def draft_total_size(*, draft: Draft) -> int:
    return draft.files.aggregate(total=Sum("size"))["total"] or 0


def _session_dossier(
    *, code: str, session_codes: list[str], session_drafts: Sequence[str]
) -> QuerySet[Dossier] | None:
    """The dossier `code`, as a queryset, if this browser session submitted it, else None."""
    dossiers = Dossier.objects.filter(code=code)
    if code not in session_codes:
        if not session_drafts:
            return None
        dossiers = dossiers.filter(draft__token__in=session_drafts)
    return dossiers


def dossier_for_session(
    *, code: str, session_codes: list[str], session_drafts: Sequence[str] = ()
) -> Dossier | None:
    """Return the dossier `code` if this browser session submitted it, else None: the session
    remembers its code, or the draft it was made from (a submission whose request failed after
    the commit never got to remember the code; its success page must still answer, issue 17)."""
    dossiers = _session_dossier(
        code=code, session_codes=session_codes, session_drafts=session_drafts
    )
    if dossiers is None:
        return None
    return (
        dossiers.select_related("procedure", "receiving_agency")
        .prefetch_related("documents")
        .first()
    )


# What a download of the confirmation or the receipt reads of its dossier.
PAPERS = ("id", "code", "received_at", "confirmation", "receipt")


def postal_items(dossier: Dossier):
    """The items a result returned by post left as (VNPost numbers and what became of them), for
    the officer's page and the citizen's details; no query for any other dossier."""
    if dossier.returned_via != ResultDelivery.POST:
        return ()
    return dossier.postal_items.all()


def dossier_papers_for_session(
    *, code: str, session_codes: list[str], session_drafts: Sequence[str] = ()
) -> Dossier | None:
    """As `dossier_for_session`, with only what a download of the dossier's confirmation or
    receipt reads, in one query: once the file is a redirect, this check is most of what such a
    download costs (issue 17: at least half the bare view's rate).

    The usual case, a code the session remembers, reads by the code alone in SQL written out:
    composing it through the ORM takes 0.5 ms, five times what PostgreSQL takes to answer it
    (docs/benchmarks.md)."""
    if code in session_codes:
        meta = Dossier._meta
        columns = ", ".join(f'"{meta.get_field(name).column}"' for name in PAPERS)
        found = Dossier.objects.raw(
            f'SELECT {columns} FROM "{meta.db_table}" WHERE "code" = %s',  # noqa: S608
            [code],
        )
        return next(iter(found), None)
    dossiers = _session_dossier(
        code=code, session_codes=session_codes, session_drafts=session_drafts
    )
    if dossiers is None:
        return None
    return dossiers.only(*PAPERS).first()


# --- Back-office ---------------------------------------------------------------------------


def agency_ids_in_scope(user) -> list[int] | None:
    """Return the ids of the agencies in `user`'s scope, or None for no limit (superusers)."""
    scope = agency_scope(user)
    if scope is None:
        return None
    if not hasattr(user, "_agency_ids"):
        # In the same query: which of them a dossier was ever forwarded to (liên thông).
        forwarded = Dossier.objects.filter(resolving_agency=OuterRef("pk"))
        rows = list(
            Agency.objects.filter(scope)
            .annotate(resolves=Exists(forwarded))
            .values_list("pk", "resolves")
        )
        user._agency_ids = [pk for pk, _ in rows]
        user._resolving_ids = [pk for pk, resolves in rows if resolves]
    return user._agency_ids


def dossiers_visible(user) -> QuerySet[Dossier]:
    """Return the dossiers `user` may see: those received by agencies in their scope, and those
    forwarded to one of them to resolve (liên thông)."""
    ids = agency_ids_in_scope(user)
    dossiers = Dossier.objects.all()
    if ids is None:
        return dossiers
    # The ids themselves, not a subquery on the path: the planner can then estimate the rows.
    if not user._resolving_ids:
        # No dossier was ever forwarded to the scope: without the OR on the resolving agency,
        # counts in scope are index-only scans (at 1,000,000 dossiers a ward's 300,000 counted
        # in 18 ms instead of a 300 ms sequential scan: docs/benchmarks.md).
        return dossiers.filter(receiving_agency_id__in=ids)
    return dossiers.filter(
        Q(receiving_agency_id__in=ids) | Q(resolving_agency_id__in=user._resolving_ids)
    )


def _supplemented() -> Q:
    # An uncorrelated subquery: hashed once, not run once per dossier.
    answered = SupplementRequest.objects.filter(answered_at__isnull=False, reviewed_at__isnull=True)
    return Q(pk__in=answered.values("dossier_id"))


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    condition: Callable[..., Q]
    # Whether dossiers enter or leave the queue as time passes, without any change to them.
    moves_with_clock: bool = False


QUEUES = [
    Queue("cho-tiep-nhan", _("Chờ tiếp nhận"), lambda **_: Q(status=S.NEW)),
    Queue("dang-xu-ly", _("Đang xử lý"), lambda **_: Q(status__in=[S.ACCEPTED, S.PROCESSING])),
    # A column of the dossier, not a subquery: counted in the same pass as the others.
    Queue(
        "cho-phe-duyet",
        _("Chờ lãnh đạo phê duyệt"),
        lambda **_: Q(pending_proposal__isnull=False),
    ),
    Queue("cho-bo-sung", _("Chờ bổ sung"), lambda **_: Q(status=S.SUPPLEMENT_REQUESTED)),
    Queue("da-bo-sung", _("Đã bổ sung"), lambda **_: _supplemented()),
    Queue("cho-thu-phi", _("Chờ thu phí"), lambda **_: Q(status=S.FEE_REQUESTED)),
    Queue("co-ket-qua", _("Có kết quả chờ trả"), lambda **_: Q(status=S.RESOLVED)),
    Queue("da-tra", _("Đã trả"), lambda **_: Q(status=S.RETURNED)),
    Queue("tu-choi", _("Từ chối"), lambda **_: Q(status=S.REFUSED)),
    Queue(
        "sap-den-han",
        _("Sắp đến hạn"),
        lambda now, **_: (
            timeliness.running() & Q(due_at__gte=now, due_at__lte=timeliness.due_soon_limit(now))
        ),
        moves_with_clock=True,
    ),
    Queue(
        "qua-han",
        _("Quá hạn"),
        lambda now, **_: timeliness.running() & Q(due_at__lt=now),
        moves_with_clock=True,
    ),
    Queue(
        "giao-cho-toi",
        _("Giao cho tôi"),
        lambda user, **_: Q(assignee=user) & ~Q(status__in=FINAL),
    ),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def queue_condition(slug: str, *, user, now) -> Q:
    return QUEUES_BY_SLUG[slug].condition(user=user, now=now)


# Queues of finished dossiers only grow: they are counted by status on an index, apart from the
# queues of dossiers still in progress, which one aggregate counts over the unfinished ones.
FINISHED_QUEUES = {"da-tra": S.RETURNED, "tu-choi": S.REFUSED}


def dossier_queue_counts(*, user, now=None) -> list[dict]:
    """Return every queue with its count for `user`, in three queries that read only the
    unfinished dossiers, the supplemented ones and an index of the finished ones."""
    now = now or timezone.now()
    visible = dossiers_visible(user)
    in_progress = [q for q in QUEUES if q.slug not in FINISHED_QUEUES and q.slug != "da-bo-sung"]
    # filter(), not exclude(): PostgreSQL then reads the unfinished rows on the status index.
    counts = visible.filter(status__in=UNFINISHED).aggregate(
        **{
            # COUNT(status): answered from the dossier_unfinished index alone, unlike COUNT(id).
            q.slug.replace("-", "_"): Count("status", filter=q.condition(user=user, now=now))
            for q in in_progress
        }
    )
    # A count per status over the status index alone (an index-only scan).
    counts.update(
        visible.filter(status__in=FINISHED_QUEUES.values()).aggregate(
            **{
                slug.replace("-", "_"): Count("status", filter=Q(status=status))
                for slug, status in FINISHED_QUEUES.items()
            }
        )
    )
    counts["da_bo_sung"] = visible.filter(_supplemented()).count()
    return [
        {"slug": q.slug, "label": q.label, "count": counts[q.slug.replace("-", "_")]}
        for q in QUEUES
    ]


# --- Cached counts -------------------------------------------------------------------------
# Counting is most of the SQL of a list page and of the index. Counts are kept in the default
# cache under a key made of the user, their scope and a version per receiving agency; any saved
# dossier gives its agency (and "all", the superusers' scope) a new version after commit, so an
# officer never sees a count from before their own action. The queues that move with the clock
# alone ("sắp đến hạn", "quá hạn") are at most COUNTS_SECONDS old.

COUNTS_SECONDS = 30
_VERSION = "dossier-counts:v:{}"
_ALL = "all"


def scope_version_key(user) -> str:
    """A key naming `user`, their scope and its current data version: one cache round trip,
    once per request (kept on the request's user, as agency_ids_in_scope keeps the ids)."""
    if not hasattr(user, "_counts_key"):
        ids = agency_ids_in_scope(user)
        scopes = [_ALL] if ids is None else sorted(ids)
        names = [_VERSION.format(scope) for scope in scopes]
        versions = cache.get_many(names)
        signature = "|".join(f"{name}={versions.get(name, '')}" for name in names)
        digest = hashlib.blake2b(signature.encode(), digest_size=16).hexdigest()
        user._counts_key = f"dossier-counts:{user.pk}:{digest}"
    return user._counts_key


def dossiers_changed(*agency_ids: int) -> None:
    """Give the agencies `agency_ids` (and the unlimited scope) a new version of their counts."""
    token = uuid.uuid4().hex
    cache.set_many(
        {_VERSION.format(key): token for key in [*agency_ids, _ALL]},
        timeout=None,
    )


def dossier_queue_counts_cached(*, user) -> list[dict]:
    """dossier_queue_counts, kept for COUNTS_SECONDS or until a dossier in scope changes."""
    counts = cache.get_or_set(
        scope_version_key(user) + ":queues",
        lambda: {q["slug"]: q["count"] for q in dossier_queue_counts(user=user)},
        COUNTS_SECONDS,
    )
    return [{"slug": q.slug, "label": q.label, "count": counts[q.slug]} for q in QUEUES]


def dossier_for_officer(*, user, pk: int) -> Dossier | None:
    """Return the dossier `pk` with everything its back-office page shows, if in `user`'s scope."""
    return (
        dossiers_visible(user)
        .select_related(
            "procedure",
            "receiving_agency__province",
            "resolving_agency",
            "current_department",
            "assignee",
            "pending_proposal__proposed_by",
            "pending_proposal__department",
            "issued_result",
        )
        .prefetch_related(
            "procedure__form_fields",
            "procedure__documents",
            "documents",
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("agency", "assignee", "actor"),
            ),
            "supplements",
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related(
                    "proposed_by", "leader", "closed_by", "department"
                ),
            ),
            Prefetch("notes", queryset=DossierNote.objects.select_related("author")),
        )
        .filter(pk=pk)
        .first()
    )


def officer_actions(user, dossier: Dossier) -> list[str]:
    """The actions `user` may take on `dossier` now, in the page's order (workflow's table and
    recall rule): none unless their agency holds it (a desk sees a dossier at the resolving
    agency, but does not act on it); "Chuyển liên thông" only where there is an agency to send
    it to."""
    actions = workflow.officer_actions(dossier, user=user, roles=user_roles(user))
    ids = agency_ids_in_scope(user)
    if ids is not None and dossier.holder_id not in ids:
        return [action for action in actions if action == EventAction.RECALL]
    if EventAction.FORWARD_AGENCY in actions and (
        dossier.at_resolving_agency or forward_destination(dossier) is None
    ):
        actions.remove(EventAction.FORWARD_AGENCY)
    return actions


def forward_destination(dossier: Dossier) -> Agency | None:
    """Where "Chuyển liên thông" sends `dossier`: its procedure's resolving agency in the
    receiving agency's province, or None. Kept on the instance for the page's several readers."""
    if "_forward_destination" not in dossier.__dict__:
        dossier._forward_destination = procedure_resolving_agency(
            procedure=dossier.procedure, agency=dossier.receiving_agency
        )
    return dossier._forward_destination


def register_dossiers(*, user, start: datetime.date, end: datetime.date) -> QuerySet[Dossier]:
    """The register's rows (Mẫu 06) for `user`: the dossiers accepted from `start` to `end`
    (local days), and those refused at intake then, which were never accepted; in that order.

    Annotated: `refused_at` (None unless refused), `registered_at` (acceptance or refusal),
    `receiving_officer` (who accepted or refused it).
    """
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    end_at = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    refusal = DossierEvent.objects.filter(dossier=OuterRef("pk"), action=EventAction.REFUSE)
    refused_then = refusal.filter(created_at__gte=start_at, created_at__lt=end_at)
    desk = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), action__in=[EventAction.ACCEPT, EventAction.REFUSE]
    ).order_by("created_at", "pk")
    return (
        dossiers_visible(user)
        .filter(Q(received_at__gte=start_at, received_at__lt=end_at) | Exists(refused_then))
        .annotate(refused_at=Subquery(refusal.values("created_at")[:1]))
        .annotate(registered_at=Coalesce("received_at", "refused_at"))
        .annotate(receiving_officer=Subquery(desk.values("actor_name")[:1]))
        .select_related("procedure", "receiving_agency", "resolving_agency")
        .order_by("registered_at", "pk")
    )


def supplement_by_token(*, token) -> SupplementRequest | None:
    return (
        SupplementRequest.objects.select_related("dossier__procedure", "dossier__receiving_agency")
        .filter(token=token)
        .first()
    )


def fee_payment_state():
    """The state of a dossier's latest payment attempt while it waits for its fee (status 6),
    else NULL: one subquery per row of the page, on the orders' subject index."""
    latest = PaymentOrder.objects.filter(
        subject_type=Dossier._meta.label_lower, subject_id=OuterRef("pk")
    ).order_by("-created_at", "-pk")
    return Case(
        When(status=S.FEE_REQUESTED, then=Subquery(latest.values("state")[:1])),
        default=Value(None, output_field=CharField()),
    )

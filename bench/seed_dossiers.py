"""Synthetic dossiers for the back-office benchmark: two years of a portal's history.

`seed_dossiers(total=200_000)` writes, with PostgreSQL's COPY, dossiers spread over the demo's
communes (and the provincial offices that receive procedures), with statuses across all ten, due
dates around now (so that the "quá hạn" and "sắp đến hạn" queues are not empty), a history of one
to several events each, supplement requests (open ones for status 5; answered but not yet
reviewed ones for the "đã bổ sung" queue; old reviewed ones in the history), attached documents
for online dossiers, and an outbox message for each one with an email. It also creates the
officers who hold dossiers (two specialists per ward and per resolving agency), and the code
sequences.

The paper channels are walk-in dossiers as `dossiers.services.walk_in` registers them: accepted
when handed in (one acceptance event from no status, noting the channel) with the papers
received. Dossiers of a procedure that another agency resolves in the province (liên thông: the
provincial service centres' procedures, which a Sở resolves) are forwarded to that agency after
acceptance, and are with it while in progress. A share of the dossiers in status 4 await the
leader's decision: an open `Proposal`, the dossier's `pending_proposal`, the "Trình lãnh đạo"
event.

It bypasses Model.save() for speed; it fills every column the models define, taking the field's
default for any it does not know (a column added later by another migration).
"""

from __future__ import annotations

import datetime
import io
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from dossiers.constants import Channel, EventAction  # noqa: N817
from dossiers.constants import DossierStatus as S
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    Proposal,
    SupplementRequest,
)
from notifications.constants import MessageChannel, MessageState
from notifications.models import Message
from procedures.constants import (
    AgencyTier,
    CopyType,
    ProcessingTimeKind,
    ResultDelivery,
    ServiceLevel,
)
from procedures.models import Agency, Procedure
from procedures.selectors import procedure_resolving_agency

TOTAL = 200_000
DAYS = 730  # two years of history

# Share of the dossiers received by each demo commune: the officer's ward is the busiest.
WARD_WEIGHTS = {
    "000.01.00.H26": 0.30,  # Phường Hoàn Kiếm
    "000.11.00.H26": 0.14,  # Phường Long Biên
    "000.12.00.H26": 0.09,  # Phường Bồ Đề
    "000.13.00.H26": 0.07,  # Phường Việt Hưng
    "000.21.00.H26": 0.12,  # Phường Hà Đông
    "000.01.00.H30": 0.08,  # Phường Thành Sen
    "000.02.00.H30": 0.05,  # Phường Trần Phú
    "000.03.00.H30": 0.04,  # Phường Hà Huy Tập
    "000.11.00.H30": 0.03,  # Phường Bắc Hồng Lĩnh
    "000.12.00.H30": 0.03,  # Phường Nam Hồng Lĩnh
    "000.31.00.H30": 0.02,  # Xã Thạch Hà
}
OTHER_RECEIVERS_WEIGHT = 0.03  # shared by the provincial offices that receive procedures

# Steady state of two years of history: most dossiers are done; a few percent are in progress.
STATUS_WEIGHTS = {
    S.RETURNED: 85.5,
    S.REFUSED: 4.0,
    S.WITHDRAWN: 1.5,
    S.STOPPED: 1.0,
    S.RESOLVED: 2.0,
    S.PROCESSING: 2.5,
    S.ACCEPTED: 1.0,
    S.NEW: 1.0,
    S.SUPPLEMENT_REQUESTED: 1.0,
    S.FEE_REQUESTED: 0.5,
}
RUNNING = {S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED}
# Statuses of a forwarded dossier (liên thông); it is with the resolving agency in the first three.
FORWARDED = {
    S.PROCESSING,
    S.SUPPLEMENT_REQUESTED,
    S.FEE_REQUESTED,
    S.STOPPED,
    S.RESOLVED,
    S.RETURNED,
}
AT_RESOLVING_AGENCY = {S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED}
PENDING_PROPOSAL_SHARE = 0.25  # of the dossiers in status 4: with the leader
PAPER_COPIES = [CopyType.ORIGINAL, CopyType.CERTIFIED, CopyType.PHOTOCOPY]

FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
]  # fmt: skip
MIDDLE = [
    "Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Ngọc", "Hữu", "Hồng", "Xuân", "Kim",
]  # fmt: skip
GIVEN = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Khánh", "Lan", "Long", "Mai",
    "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến",
]  # fmt: skip
STREETS = ["Hàng Bài", "Tràng Tiền", "Lý Thái Tổ", "Ngọc Lâm", "Nguyễn Văn Cừ", "Trần Phú"]
REASONS = [
    "Thiếu bản sao giấy chứng sinh có chứng thực.",
    "Ảnh chụp giấy tờ không rõ, đề nghị bổ sung bản rõ nét.",
    "Tờ khai chưa có chữ ký của người yêu cầu.",
]


@dataclass
class _Rows:
    """Rows of one table for COPY, with the columns they fill."""

    model: type
    columns: list[str]
    defaults: dict = field(default_factory=dict)
    buffer: io.StringIO = field(default_factory=io.StringIO)
    count: int = 0

    @classmethod
    def of(cls, model, given: list[str]) -> _Rows:
        """Rows of `model` giving `given` columns; every other concrete column gets its default."""
        others = {
            f.column: f
            for f in model._meta.concrete_fields
            if f.column not in given and not f.primary_key
        }
        return cls(model=model, columns=[*given, *others], defaults=others)

    def add(self, *values) -> None:
        extra = []
        for f in self.defaults.values():
            extra.append(f.get_default())
        self.buffer.write("\t".join(_copy_text(v) for v in (*values, *extra)))
        self.buffer.write("\n")
        self.count += 1

    def copy(self) -> int:
        self.buffer.seek(0)
        table = self.model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.buffer)
        self.buffer = io.StringIO()
        return self.count


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (datetime.datetime, datetime.date)):
        value = value.isoformat()
    else:
        value = str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _days(value: float) -> datetime.timedelta:
    return datetime.timedelta(days=value)


def _processing(procedure: Procedure) -> datetime.timedelta:
    """Calendar time of the procedure's processing (working days × 1.4, same day: 8 hours)."""
    if procedure.processing_time_kind == ProcessingTimeKind.SAME_DAY:
        return datetime.timedelta(hours=8)
    return _days(max(1, procedure.processing_days or 1) * 1.4)


def _receivers():
    """[(agency, [procedures], weight)] for every agency that receives procedures."""
    through = Procedure.receiving_agencies.through
    received: dict[int, list[int]] = {}
    for procedure_id, agency_id in through.objects.values_list("procedure_id", "agency_id"):
        received.setdefault(agency_id, []).append(procedure_id)
    agencies = Agency.objects.in_bulk(list(received))
    procedures = Procedure.objects.in_bulk({p for ps in received.values() for p in ps})
    others = [
        a for a in agencies.values() if a.code not in WARD_WEIGHTS and a.tier != AgencyTier.DISTRICT
    ]
    result = []
    for agency_id, procedure_ids in received.items():
        agency = agencies[agency_id]
        if agency.code in WARD_WEIGHTS:
            weight = WARD_WEIGHTS[agency.code]
        elif agency in others:
            weight = OTHER_RECEIVERS_WEIGHT / len(others)
        else:
            continue
        result.append((agency, [procedures[p] for p in sorted(procedure_ids)], weight))
    if not any(a.code in WARD_WEIGHTS for a, _, _ in result):
        raise RuntimeError("the demo communes receive no procedure: load the demo first")
    result.sort(key=lambda row: row[0].code)
    return result


def _officers(wards: list[Agency]) -> dict[int, list]:
    """Two specialists per ward or resolving agency (group "Chuyên viên"), who hold its dossiers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from officers.constants import Role
    from officers.models import Officer
    from officers.services import roles_ensure

    roles_ensure()
    group = Group.objects.get(name=str(Role.SPECIALIST.label))
    user_model = get_user_model()
    officers: dict[int, list] = {}
    for ward in wards:
        department = Agency.objects.filter(parent=ward, tier=AgencyTier.DEPARTMENT).order_by("code")
        department = list(department)
        for n in (1, 2):
            username = f"cv-{ward.code}-{n}"
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(
                    username=username,
                    first_name=f"Chuyên viên {n}",
                    last_name=ward.name,
                    is_staff=True,
                )
                user.set_unusable_password()
                user.save()
                user.groups.add(group)
                officer = Officer.objects.create(
                    user=user,
                    department=department[min(1, len(department) - 1)] if department else None,
                    title=str(Role.SPECIALIST.label),
                )
                officer.agencies.set([ward])
            officers.setdefault(ward.pk, []).append(user)
    return officers


def seed_dossiers(
    *, total: int = TOTAL, seed: int = 4, extra_assignees: dict[int, list] | None = None
) -> dict:
    """Write `total` dossiers and their history with COPY; return counts and timings.

    `extra_assignees` maps an agency id to more users who hold some of its running dossiers
    (the officer whose pages are measured).
    """
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now()
    receivers = _receivers()
    agencies = [a for a, _, _ in receivers]
    weights = [w for _, _, w in receivers]
    wards = [a for a in agencies if a.tier == AgencyTier.COMMUNE]
    # Liên thông: the agency that resolves each procedure received by each agency, if another.
    resolver_of = {
        (agency.pk, procedure.pk): procedure_resolving_agency(procedure=procedure, agency=agency)
        for agency, procedures, _ in receivers
        for procedure in procedures
    }
    resolvers = sorted({a for a in resolver_of.values() if a is not None}, key=lambda a: a.code)
    holders = _officers(wards + resolvers)
    for agency_id, users in (extra_assignees or {}).items():
        holders.setdefault(agency_id, []).extend(users)
    departments: dict[int, list[Agency]] = {}
    for department in Agency.objects.filter(parent__in=agencies, tier=AgencyTier.DEPARTMENT):
        departments.setdefault(department.parent_id, []).append(department)
    procedure_weights = {
        a.pk: [max(1, p.usage_count) ** 0.5 for p in procedures] for a, procedures, _ in receivers
    }
    procedures_of = {a.pk: procedures for a, procedures, _ in receivers}
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_proposal")
        next_proposal_id = cursor.fetchone()[0] + 1

    dossier_rows = _Rows.of(
        Dossier,
        [
            "id", "code", "procedure_id", "receiving_agency_id", "status", "channel",
            "applicant_name", "applicant_email", "applicant_phone", "applicant_address",
            "applicant_id_number", "delivery", "declaration", "submitted_at", "received_at",
            "due_at", "resolved_at", "returned_at", "current_department_id", "assignee_id",
            "result_file", "returned_via", "receipt", "resolving_agency_id", "at_resolving_agency",
            "pending_proposal_id", "created_at", "updated_at",
        ],
    )  # fmt: skip
    event_rows = _Rows.of(
        DossierEvent,
        [
            "dossier_id", "action", "from_status", "to_status", "actor_id", "actor_name",
            "agency_id", "assignee_id", "due_at", "note", "created_at",
        ],
    )  # fmt: skip
    supplement_rows = _Rows.of(
        SupplementRequest,
        [
            "token", "dossier_id", "documents", "reason", "from_status", "requested_by_id",
            "requested_at", "answered_at", "answer_note", "reviewed_at", "closed_at",
        ],
    )  # fmt: skip
    document_rows = _Rows.of(
        DossierDocument,
        [
            "dossier_id", "document_id", "document_name", "file", "original_name",
            "content_type", "size", "paper_copy_type", "paper_copies", "uploaded_at",
        ],
    )  # fmt: skip
    proposal_rows = _Rows.of(
        Proposal,
        [
            "id", "dossier_id", "draft", "note", "department_id", "proposed_by_id", "proposed_at",
            "leader_id", "closed_at", "outcome",
        ],
    )  # fmt: skip
    message_rows = _Rows.of(
        Message,
        [
            "channel", "recipient", "template", "context", "attachments", "subject_type",
            "subject_id", "reference", "state", "attempts", "last_error", "requeue_at",
            "created_at", "sent_at",
        ],
    )  # fmt: skip
    documents_of = {
        p.pk: list(p.documents.all())
        for p in Procedure.objects.filter(
            pk__in={p.pk for ps in procedures_of.values() for p in ps}
        ).prefetch_related("documents")
    }

    # Draw every dossier first, then number them per agency and day in submission order.
    drawn = []
    for _ in range(total):
        agency = rng.choices(agencies, weights)[0]
        procedure = rng.choices(procedures_of[agency.pk], procedure_weights[agency.pk])[0]
        status = rng.choices(statuses, status_weights)[0]
        online = procedure.level >= ServiceLevel.PARTIAL and rng.random() < 0.75
        channel = (
            Channel.ONLINE
            if online
            else (Channel.POST if rng.random() < 0.03 else Channel.IN_PERSON)
        )
        if status == S.NEW and not online:
            # At the desk a dossier is accepted (or refused) when it is handed in: only online
            # dossiers wait in "chờ tiếp nhận".
            status = S.ACCEPTED
        processing = _processing(procedure)
        received = resolved = returned = None
        if status == S.NEW:
            submitted = now - _days(rng.uniform(0, 3))
            due = submitted + processing
        elif status in RUNNING:
            roll = rng.random()
            if roll < 0.15:
                due = now - _days(rng.uniform(0, 15))  # overdue
            elif roll < 0.25:
                due = now + _days(rng.uniform(0, 1))  # due within a day or so
            else:
                due = now + _days(rng.uniform(1, 25))
            received = min(now - _days(rng.uniform(0.05, 2)), due - processing)
            submitted = received - _days(rng.uniform(0.01, 2))
        elif status == S.SUPPLEMENT_REQUESTED:
            received = now - _days(rng.uniform(1, 30))
            submitted = received - _days(rng.uniform(0.01, 2))
            due = received + processing
        else:
            submitted = now - _days(min(DAYS, rng.expovariate(1 / 300) + 3))
            if status == S.REFUSED or status == S.WITHDRAWN and rng.random() < 0.7:
                due = submitted + processing
            else:
                received = submitted + _days(rng.uniform(0.01, 1.5))
                due = received + processing
                if status in (S.RESOLVED, S.RETURNED):
                    late = rng.random() < 0.06
                    resolved = due + (
                        _days(rng.uniform(0, 5)) if late else -processing * rng.random()
                    )
                    resolved = max(resolved, received + datetime.timedelta(hours=1))
                    if status == S.RESOLVED:
                        resolved = min(resolved, now - _days(rng.uniform(0, 2)))
                    else:
                        returned = min(resolved + _days(rng.uniform(0.05, 4)), now)
        if channel != Channel.ONLINE and received is not None:
            submitted = received  # walk-in: accepted when handed in
        drawn.append(
            (submitted, agency, procedure, status, channel, received, due, resolved, returned)
        )
    drawn.sort(key=lambda row: row[0])

    sequences: Counter = Counter()
    counts = Counter()
    supplemented_target = 0.06  # of running dossiers: answered, not yet reviewed
    for index, (
        submitted,
        agency,
        procedure,
        status,
        channel,
        received,
        due,
        resolved,
        returned,
    ) in enumerate(drawn):
        pk = next_id + index
        day = timezone.localdate(submitted)
        sequences[(agency.pk, day)] += 1
        code = f"{agency.code}-{day:%y%m%d}-{sequences[(agency.pk, day)]:04d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.randint(0, 99_999_999):08d}"
        email = f"cd{pk}@example.vn" if rng.random() < 0.8 else ""
        paper = channel != Channel.ONLINE
        people = holders.get(agency.pk) or [None]
        desk = assignee = rng.choice(people) if received else None
        # Liên thông: forwarded after acceptance, with the resolving agency while in progress.
        resolving = resolver_of[(agency.pk, procedure.pk)] if status in FORWARDED else None
        at_resolving = resolving is not None and status in AT_RESOLVING_AGENCY
        if resolving is not None:
            assignee = rng.choice(holders.get(resolving.pk) or [None])
        holding = assignee if resolving is None or at_resolving else desk
        dept_choices = departments.get(agency.pk, [])
        department = (
            rng.choice(dept_choices[1:] or dept_choices)
            if dept_choices and status in (S.PROCESSING, S.FEE_REQUESTED) and not at_resolving
            else None
        )
        # With the leader: the proposal says where it came from; the dossier is with no unit.
        proposal_id = proposal_department = None
        if status == S.PROCESSING and rng.random() < PENDING_PROPOSAL_SHARE:
            proposal_id = next_proposal_id + proposal_rows.count
            proposal_department, department, holding = department, None, None
        delivery = rng.choice(procedure.delivery_options or [ResultDelivery.IN_PERSON])
        dossier_rows.add(
            pk, code, procedure.pk, agency.pk, int(status), int(channel), name, email, phone,
            f"Số {rng.randint(1, 200)} phố {rng.choice(STREETS)}, {agency.name}",
            f"0{rng.randint(10, 99)}{rng.randint(0, 999_999_999):09d}" if online else "",
            delivery,
            {"ho_ten": name, "noi_cu_tru": agency.name, "ngay_sinh": "1990-01-01"},
            submitted, received, due, resolved, returned,
            department.pk if department else None,
            holding.pk if holding else None,
            "", delivery if returned else "", "",
            resolving.pk if resolving else None, at_resolving, proposal_id,
            submitted, returned or resolved or received or submitted,
        )  # fmt: skip
        counts[int(status)] += 1
        counts[f"channel_{int(channel)}"] += 1
        counts["forwarded"] += resolving is not None
        counts["at_resolving_agency"] += at_resolving

        # History, consistent with the status.
        def event(
            action, from_status, to_status, at, actor=None, note="", where=None, who=None,
            *, _pk=pk, _name=name, _agency=agency, _due=due,
        ):  # fmt: skip
            event_rows.add(
                _pk, action, from_status, int(to_status),
                actor.pk if actor else None,
                (actor.get_full_name() if actor else _name),
                (where or _agency).pk, who.pk if who else None, _due, note, at,
            )  # fmt: skip

        if channel == Channel.ONLINE:
            event(EventAction.SUBMIT, None, S.NEW, submitted)
            for order, document in enumerate(documents_of[procedure.pk][: rng.randint(1, 4)]):
                document_rows.add(
                    pk, document.pk, document.name,
                    f"uploads/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.pdf",
                    f"giay-to-{order + 1}.pdf", "application/pdf", rng.randint(40_000, 900_000),
                    "", 0, submitted,
                )  # fmt: skip
        elif received is not None:  # the papers handed in at the desk (or by post)
            for document in documents_of[procedure.pk][: rng.randint(1, 3)]:
                document_rows.add(
                    pk, document.pk, document.name, "", "", "", 0,
                    rng.choice(PAPER_COPIES), rng.randint(1, 2), received,
                )  # fmt: skip
        if status == S.NEW:
            pass
        elif status in (S.REFUSED, S.WITHDRAWN) and received is None:
            action = EventAction.REFUSE if status == S.REFUSED else EventAction.WITHDRAW
            at = submitted + _days(rng.uniform(0.05, 1))
            event(
                action,
                int(S.NEW),
                status,
                at,
                actor=rng.choice(people) if status == S.REFUSED else None,
                note="Hồ sơ không thuộc thẩm quyền giải quyết." if status == S.REFUSED else "",
            )
        else:
            event(
                EventAction.ACCEPT,
                None if paper else int(S.NEW),
                S.ACCEPTED,
                received,
                actor=desk,
                who=desk,
                note=str(Channel(channel).label) if paper else "",
            )
            current = S.ACCEPTED
            moment = received
            if status != S.ACCEPTED:
                moment = received + _days(rng.uniform(0.01, 0.5))
                if resolving is not None:
                    event(
                        EventAction.FORWARD_AGENCY,
                        int(current),
                        S.PROCESSING,
                        moment,
                        actor=desk,
                        where=resolving,
                    )
                    current = S.PROCESSING
                elif status not in (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, S.REFUSED):
                    where = rng.choice(dept_choices[1:] or dept_choices) if dept_choices else None
                    event(
                        EventAction.FORWARD,
                        int(current),
                        S.PROCESSING,
                        moment,
                        actor=desk,
                        where=where,
                        who=desk,
                    )
                    current = S.PROCESSING

            # Supplement requests: open (status 5), answered and not reviewed (the queue), old.
            def supplement(
                asked, answered=None, note="", reviewed=None,
                *, _pk=pk, _from=int(current), _by=assignee,
            ):  # fmt: skip
                """A request from the current status: its events, its row (closed when answered)."""
                event(
                    EventAction.REQUEST_SUPPLEMENT,
                    _from,
                    S.SUPPLEMENT_REQUESTED,
                    asked,
                    actor=_by,
                    note=rng.choice(REASONS),
                )
                if answered is not None:
                    event(EventAction.SUPPLEMENT, int(S.SUPPLEMENT_REQUESTED), _from, answered)
                supplement_rows.add(
                    uuid.uuid4(), _pk, ["Bản sao giấy tờ còn thiếu"], rng.choice(REASONS),
                    _from, _by.pk if _by else None, asked, answered, note, reviewed, answered,
                )  # fmt: skip

            if status == S.SUPPLEMENT_REQUESTED:
                supplement(max(moment, now - _days(rng.uniform(0, 10))))
            elif status in RUNNING and proposal_id is None and rng.random() < supplemented_target:
                asked = moment + (now - moment) * rng.uniform(0.1, 0.6)
                answered = asked + (now - asked) * rng.uniform(0.2, 0.95)
                supplement(asked, answered, "Đã bổ sung bản chụp rõ nét.")
                counts["supplemented_unreviewed"] += 1
            elif resolved is not None and rng.random() < 0.08:
                answered = moment + (resolved - moment) * 0.5
                supplement(moment + (resolved - moment) * 0.3, answered, "", answered + _days(0.2))
            if proposal_id is not None:
                proposed = moment + (now - moment) * rng.uniform(0.7, 0.99)
                event(
                    EventAction.PROPOSE,
                    int(S.PROCESSING),
                    S.PROCESSING,
                    proposed,
                    actor=assignee,
                    where=resolving if at_resolving else None,
                )
                proposal_rows.add(
                    proposal_id, pk, f"dossiers/du-thao/{uuid.uuid4().hex}.pdf",
                    "Kính trình lãnh đạo xem xét, phê duyệt kết quả.",
                    proposal_department.pk if proposal_department else None,
                    assignee.pk if assignee else None, proposed, None, None, "",
                )  # fmt: skip
            if status == S.FEE_REQUESTED:
                event(
                    EventAction.REQUEST_FEE,
                    int(current),
                    S.FEE_REQUESTED,
                    moment + _days(0.1),
                    actor=assignee,
                )
            elif status == S.STOPPED:
                event(
                    EventAction.STOP,
                    int(current),
                    S.STOPPED,
                    moment + _days(rng.uniform(0.5, 5)),
                    actor=assignee,
                    note="Công dân không bổ sung hồ sơ trong thời hạn.",
                )
            elif status in (S.REFUSED, S.WITHDRAWN):
                action = EventAction.REFUSE if status == S.REFUSED else EventAction.WITHDRAW
                event(
                    action,
                    int(current),
                    status,
                    moment + _days(0.2),
                    actor=assignee if status == S.REFUSED else None,
                )
            elif resolved is not None:
                event(EventAction.RESOLVE, int(current), S.RESOLVED, resolved, actor=assignee)
                if returned is not None:
                    event(
                        EventAction.RETURN_RESULT,
                        int(S.RESOLVED),
                        S.RETURNED,
                        returned,
                        actor=desk,
                    )
        if email:
            message_rows.add(
                MessageChannel.EMAIL, email,
                "dossier_submitted" if channel == Channel.ONLINE else "dossier_accepted",
                {"code": code, "applicant_name": name}, [], "dossiers.dossier", pk, code,
                MessageState.SENT, 1, "", None,
                submitted, submitted + datetime.timedelta(seconds=rng.uniform(2, 60)),
            )  # fmt: skip

    generated = time.monotonic() - started
    with transaction.atomic():
        written = {
            "dossiers": dossier_rows.copy(),
            "events": event_rows.copy(),
            "supplement_requests": supplement_rows.copy(),
            "documents": document_rows.copy(),
            "messages": message_rows.copy(),
            # After the dossiers, before the end of the transaction, which checks each dossier's
            # pending_proposal (a deferred foreign key) and each proposal's dossier.
            "proposals": proposal_rows.copy(),
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
                "(SELECT MAX(id) FROM dossiers_dossier))"
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('dossiers_proposal', 'id'), "
                "GREATEST(1, (SELECT MAX(id) FROM dossiers_proposal)))"
            )
            # The appointment is the legal due date (no apologies seeded); the clock of a
            # dossier waiting for a supplement or a fee stopped at the request.
            cursor.execute(
                "UPDATE dossiers_dossier SET appointment_at = due_at WHERE id >= %s", [next_id]
            )
            cursor.execute(
                "UPDATE dossiers_dossierevent SET appointment_at = due_at WHERE dossier_id >= %s",
                [next_id],
            )
            # One grouped scan of the events: as a correlated MAX() per dossier, on tables not yet
            # analysed, PostgreSQL walked the whole created_at index for each dossier (over 9
            # minutes at 1,000,000 dossiers before it was stopped).
            cursor.execute(
                "UPDATE dossiers_dossier d SET paused_at = p.at FROM ("
                " SELECT e.dossier_id, MAX(e.created_at) AS at FROM dossiers_dossierevent e"
                " WHERE e.dossier_id >= %s AND e.action IN ('request_supplement', 'request_fee')"
                " GROUP BY e.dossier_id) p"
                " WHERE d.id = p.dossier_id AND d.status IN (5, 6) AND d.received_at IS NOT NULL",
                [next_id],
            )
        DossierSequence.objects.bulk_create(
            [
                DossierSequence(agency_id=agency_id, day=day, last=last)
                for (agency_id, day), last in sequences.items()
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        **written,
        "by_status": {
            S(k).name: counts[k] for k in sorted(k for k in counts if isinstance(k, int))
        },
        "supplemented_unreviewed": counts["supplemented_unreviewed"],
        "by_channel": {
            Channel(c).name: counts[f"channel_{int(c)}"]
            for c in Channel
            if counts[f"channel_{int(c)}"]
        },
        "forwarded": counts["forwarded"],
        "at_resolving_agency": counts["at_resolving_agency"],
        "pending_proposals": proposal_rows.count,
        "generate_seconds": round(generated, 1),
        "seconds": round(time.monotonic() - started, 1),
    }

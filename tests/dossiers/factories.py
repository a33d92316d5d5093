import datetime

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from calendars.selectors import work_calendar
from dossiers import codes, workflow
from dossiers.constants import Channel, ProposalOutcome
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import (
    Dossier,
    DossierEvent,
    Draft,
    DraftFile,
    Proposal,
    SupplementRequest,
    upload_path,
)
from officers import selectors as officer_selectors
from procedures.constants import AgencyTier, ApplicantRole, ServiceLevel
from procedures.models import Agency
from procedures.selectors import applicant_values
from tests.dossiers.helpers import CONTACT, KHAI_SINH, PDF_BYTES
from tests.factories import AgencyFactory, ProcedureFactory


def complete_draft(procedure, agency, *, session_key="s", declaration=None) -> Draft:
    """A draft with every step done: ready for dossier_submit."""
    draft = Draft.objects.create(
        session_key=session_key,
        procedure=procedure,
        agency=agency,
        declaration=declaration if declaration is not None else dict(KHAI_SINH),
        contact={**CONTACT, "dien_thoai": "0912345678"},
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    for document in procedure.documents.all():
        name = default_storage.save(upload_path(None, "x.pdf"), ContentFile(PDF_BYTES))
        DraftFile.objects.create(
            draft=draft,
            document=document,
            file=name,
            original_name="giay-to.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
        )
    return draft


def make_officer(username, role, *, agencies, department=None, first_name="Cán bộ"):
    """A staff user in the group of `role`, attached to `agencies` (and a department)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from officers.models import Officer
    from officers.services import roles_ensure

    roles_ensure()
    user = get_user_model().objects.create_user(
        username=username, password="MatKhau@123", is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name=str(role.label)))
    officer = Officer.objects.create(user=user, department=department, title=str(role.label))
    officer.agencies.set(agencies)
    return user


def in_state(trait, catalogue, desk, **kwargs) -> Dossier:
    """A Long Biên dossier of khai sinh in the state of `trait`, brought there by the desk
    (`desk`'s officers), through Tư pháp's specialist where its path needs one."""
    return DossierFactory(
        procedure=catalogue["khai_sinh"],
        receiving_agency=catalogue["long_bien"],
        actor=desk["receiving"],
        department=desk["justice"],
        handler=desk["specialist"],
        **{trait: True},
        **kwargs,
    )


def submitted(procedure, agency, **kwargs):
    """A dossier just submitted online (status 1)."""
    from dossiers import services

    return services.dossier_submit(draft_token=complete_draft(procedure, agency, **kwargs).token)


# --- Dossiers by state ---------------------------------------------------------------------
# DossierFactory(resolved=True) is what the services leave behind after a submission, an
# acceptance, a hand-over to a department, a proposal to the leader and its approval: the same
# fields, the same history rows.
# Tests that only need a dossier in some state use it instead of driving every service or
# updating `status` alone (which leaves a dossier no service could have produced).

# The factory replays a dossier's path one step every STEP after `submitted_at`, so that a test
# can drive the real services at the same moments (tests/dossiers/test_factories.py does).
STEP = datetime.timedelta(minutes=10)

# The actions that bring a dossier to each status, in order: what each trait replays. A dossier
# is refused or withdrawn at intake (from status 1), the commonest case.
_PROCESSING = (A.SUBMIT, A.ACCEPT, A.FORWARD)
_RESOLVED = (*_PROCESSING, A.PROPOSE, A.APPROVE)
PATHS: dict[int, tuple[str, ...]] = {
    S.NEW: (A.SUBMIT,),
    S.ACCEPTED: (A.SUBMIT, A.ACCEPT),
    S.PROCESSING: _PROCESSING,
    S.FEE_REQUESTED: (*_PROCESSING, A.REQUEST_FEE),
    S.SUPPLEMENT_REQUESTED: (*_PROCESSING, A.REQUEST_SUPPLEMENT),
    S.RESOLVED: _RESOLVED,
    S.RETURNED: (*_RESOLVED, A.RETURN_RESULT),
    S.REFUSED: (A.SUBMIT, A.REFUSE),
    S.WITHDRAWN: (A.SUBMIT, A.WITHDRAW),
}
# The trait of each status, for tests parametrized by status: DossierFactory(**{TRAITS[s]: True}).
TRAITS: dict[int, str] = {
    S.NEW: "submitted",
    S.ACCEPTED: "accepted",
    S.PROCESSING: "processing",
    S.FEE_REQUESTED: "fee_requested",
    S.SUPPLEMENT_REQUESTED: "supplement_requested",
    S.RESOLVED: "resolved",
    S.RETURNED: "returned",
    S.REFUSED: "refused",
    S.WITHDRAWN: "withdrawn",
}
# The notes of the steps that need one (`reason=` replaces them), and what is asked for.
REFUSAL_REASON = "Thủ tục không thuộc thẩm quyền giải quyết của Phường."
SUPPLEMENT_REASON = "Bản chụp giấy chứng sinh bị mờ, không đọc được."
SUPPLEMENT_DOCUMENTS = ["Giấy chứng sinh"]
_NOTES = {A.REFUSE: REFUSAL_REASON, A.REQUEST_SUPPLEMENT: SUPPLEMENT_REASON, A.WITHDRAW: ""}
# Who the history names for an officer step when the test passes no `actor`.
UNNAMED_OFFICER = "Cán bộ"


def _moment(o, action: str) -> datetime.datetime:
    """When `action` happens on the way to the dossier's status."""
    return o.submitted_at + STEP * PATHS[o.status].index(action)


def _department(o) -> Agency | None:
    """The department a dossier on a path through FORWARD was handed to (one is made if the
    receiving agency has none, as the real forward needs one); None for the other paths."""
    if A.FORWARD not in PATHS[o.status]:
        return None
    agency = o.receiving_agency
    return officer_selectors.departments_of(agency).first() or AgencyFactory(
        parent=agency, tier=AgencyTier.DEPARTMENT, name="Phòng Văn hóa - Xã hội"
    )


def _code(o) -> str:
    """A real code, counted in the same per-agency, per-day sequence as real submissions, so
    that factory dossiers and submitted ones never share a code."""
    with transaction.atomic():
        return codes.dossier_code_allocate(
            agency=o.receiving_agency, day=timezone.localdate(o.submitted_at)
        )


def _applicant(o, role: str) -> str:
    """What the declaration says of the applicant, read as dossier_submit reads it."""
    return applicant_values(o.procedure, o.declaration).get(role, "")


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier in one state, with the fields and history the services would have written.

    Pick the state with one trait: `submitted` (the default), `accepted`, `processing`,
    `fee_requested`, `supplement_requested`, `resolved`, `returned`, `refused`, `withdrawn`.
    Each step of the path happens STEP after the previous one, from `submitted_at` (by default
    chosen so that the last step happens now). Every officer step is done by `actor`; the
    dossier is forwarded to `department` (by default the receiving agency's first), assigned to
    `handler` (None: the department as a whole); on the way to a result the draft is proposed to
    the agency's leadership (no leader named) and approved, and the dossier goes back to the
    officer who accepted it; `reason` is the note of the refusal, the supplement request or the
    withdrawal. Notifications are not queued, and no documents are
    attached. One state trait per call: `refused=True, resolved=True` makes no sense.
    """

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    code = factory.LazyAttribute(_code)
    receiving_agency = factory.SubFactory(AgencyFactory)
    # An online procedure that the receiving agency takes.
    procedure = factory.LazyAttribute(
        lambda o: ProcedureFactory(level=ServiceLevel.FULL, receiving_agencies=[o.receiving_agency])
    )
    status = S.NEW
    channel = Channel.ONLINE
    # The contact step of complete_draft(), as dossier_submit copies it.
    applicant_name = CONTACT["ho_ten"]
    applicant_email = CONTACT["email"]
    applicant_phone = "0912345678"
    applicant_address = CONTACT["dia_chi"]
    delivery = CONTACT["nhan_ket_qua"]
    declaration = factory.LazyFunction(lambda: dict(KHAI_SINH))
    applicant_id_type = factory.LazyAttribute(lambda o: _applicant(o, ApplicantRole.ID_TYPE))
    applicant_id_number = factory.LazyAttribute(lambda o: _applicant(o, ApplicantRole.ID_NUMBER))
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() - STEP * (len(PATHS[o.status]) - 1)
    )
    # An online submission shows an appointment at once; acceptance sets the binding one.
    # The clock starts at acceptance (deadlines.start): no dates before.
    due_at = None
    appointment_at = factory.SelfAttribute("due_at")

    # Not fields of Dossier: they shape the history, and _create() takes them out.
    actor = None
    department = factory.LazyAttribute(_department)
    handler = None
    reason = None

    class Params:
        # Declared in path order: when traits chain, the later one's values win.
        submitted = factory.Trait(status=S.NEW)
        accepted = factory.Trait(
            submitted=True,
            status=S.ACCEPTED,
            received_at=factory.LazyAttribute(lambda o: _moment(o, A.ACCEPT)),
            # The clock starts again at acceptance (dossier_accept).
            due_at=factory.LazyAttribute(
                lambda o: work_calendar(o.receiving_agency, o.procedure).due_at(
                    o.procedure, o.received_at
                )
            ),
            assignee=factory.SelfAttribute("actor"),
        )
        processing = factory.Trait(
            accepted=True,
            status=S.PROCESSING,
            current_department=factory.SelfAttribute("department"),
            assignee=factory.SelfAttribute("handler"),
        )
        # The wait for the fee stops the clock where the procedure says so (the default).
        fee_requested = factory.Trait(
            processing=True,
            status=S.FEE_REQUESTED,
            paused_at=factory.LazyAttribute(
                lambda o: _moment(o, A.REQUEST_FEE) if o.procedure.fee_pauses_clock else None
            ),
        )
        supplement_requested = factory.Trait(
            processing=True,
            status=S.SUPPLEMENT_REQUESTED,
            paused_at=factory.LazyAttribute(lambda o: _moment(o, A.REQUEST_SUPPLEMENT)),
        )
        resolved = factory.Trait(
            processing=True,
            status=S.RESOLVED,
            resolved_at=factory.LazyAttribute(lambda o: _moment(o, A.APPROVE)),
            # The result goes back to the one-stop desk, to the officer who accepted the
            # dossier, who hands it over.
            current_department=None,
            assignee=factory.SelfAttribute("actor"),
            # The approved draft (the proposal's file, _replay).
            result_file=factory.django.FileField(filename="ket-qua.pdf", data=PDF_BYTES),
        )
        returned = factory.Trait(
            resolved=True,
            status=S.RETURNED,
            returned_at=factory.LazyAttribute(lambda o: _moment(o, A.RETURN_RESULT)),
            returned_via=factory.SelfAttribute("delivery"),
        )
        refused = factory.Trait(submitted=True, status=S.REFUSED)
        withdrawn = factory.Trait(submitted=True, status=S.WITHDRAWN)

    @classmethod
    def _build(
        cls, model_class, *args, actor=None, department=None, handler=None, reason=None, **kwargs
    ):
        # A built dossier is not saved: it has no history (its code is still allocated).
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(
        cls, model_class, *args, actor=None, department=None, handler=None, reason=None, **kwargs
    ):
        # The history is written here rather than in a post_generation hook, which cannot see
        # the factory's parameters (the actor, the department).
        dossier = super()._create(model_class, *args, **kwargs)
        _replay(dossier, actor=actor, department=department, handler=handler, reason=reason)
        return dossier


def _replay(dossier: Dossier, *, actor, department, handler, reason: str | None) -> None:
    """Append the rows the services write on the way to the dossier's status: one event per
    step (its agency, assignee and due date those after the step), the supplement request and
    the proposal to the leader."""
    holder, assignee, status, acceptor = dossier.receiving_agency, None, None, None
    proposal = None
    for step, action in enumerate(PATHS[dossier.status]):
        at = dossier.submitted_at + STEP * step
        by_citizen = action in (A.SUBMIT, A.WITHDRAW)
        to_status = S.NEW if action == A.SUBMIT else workflow.TRANSITIONS[action].target
        note = ""
        if action in _NOTES:
            note = _NOTES[action] if reason is None else reason
        if action == A.ACCEPT:
            assignee = acceptor = actor
        elif action == A.FORWARD:
            holder, assignee = department, handler
        elif action == A.PROPOSE:
            proposal = Proposal.objects.create(
                dossier=dossier,
                draft=dossier.result_file.name,
                department=holder,
                proposed_by=actor,
                proposed_at=at,
            )
            holder, assignee = dossier.receiving_agency, None
        elif action == A.APPROVE:
            proposal.closed_at, proposal.closed_by = at, actor
            proposal.outcome = ProposalOutcome.APPROVED
            proposal.save(update_fields=["closed_at", "closed_by", "outcome"])
            holder, assignee = dossier.receiving_agency, acceptor
        elif action == A.REQUEST_SUPPLEMENT:
            SupplementRequest.objects.create(
                dossier=dossier,
                documents=SUPPLEMENT_DOCUMENTS,
                reason=note,
                from_status=status,
                requested_by=actor,
                requested_at=at,
            )
        elif action == A.WITHDRAW:
            note = note.strip()
        if by_citizen:
            actor_name = dossier.applicant_name
        elif actor is not None:
            actor_name = actor.get_full_name() or actor.get_username()
        else:
            actor_name = UNNAMED_OFFICER
        DossierEvent.objects.create(
            dossier=dossier,
            action=action,
            from_status=status,
            to_status=to_status,
            actor=None if by_citizen else actor,
            actor_name=actor_name,
            agency=holder,
            assignee=assignee,
            # The submission's event carries no due date; each later one the dossier's after it.
            due_at=None if action == A.SUBMIT else dossier.due_at,
            appointment_at=None if action == A.SUBMIT else dossier.appointment_at,
            note=note,
            created_at=at,
        )
        status = to_status

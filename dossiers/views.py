"""The intake wizard: thin views over dossiers/services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.headers import no_store
from dossiers import display, receipts, selectors, services
from dossiers.access import (
    DOSSIERS,
    DRAFTS,
    issued_pdf_response,
    remember,
    remembered,
    stored_file_response,
)
from dossiers.constants import WizardStep
from dossiers.forms import (
    AgencyForm,
    AttachmentsForm,
    ContactForm,
    DeclarationForm,
    ReviewForm,
    SupplementForm,
)
from procedures import selectors as catalogue

STEPS = list(WizardStep)


def _bound(request, files=False):
    """Return the form arguments: bound on POST (even an empty one), unbound on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _step_url(draft, step):
    return reverse("dossiers:step", kwargs={"token": draft.token, "step": step})


def _load_draft(request, token):
    draft = selectors.draft_for_session(token=token, session_tokens=remembered(request, DRAFTS))
    if draft is None:
        raise Http404
    return draft


@require_http_methods(["GET", "POST"])
def start(request, code):
    procedure = catalogue.procedure_detail(code=code)
    if procedure is None:
        raise Http404
    if not procedure.is_online or request.method == "GET":
        return render(
            request,
            "dossiers/start.html",
            {
                "procedure": procedure,
                "requirements": catalogue.document_requirements(procedure.documents.all()),
                "agencies": selectors.procedure_receiving_agencies(procedure=procedure)[:1],
            },
            status=200 if procedure.is_online else 409,
        )
    if not request.session.session_key:
        request.session.save()
    draft = services.draft_start(session_key=request.session.session_key, procedure=procedure)
    remember(request, DRAFTS, str(draft.token))
    first = WizardStep.DECLARATION if draft.agency_id else WizardStep.AGENCY
    return redirect(_step_url(draft, first))


@require_http_methods(["GET", "POST"])
@no_store
def step(request, token, step):
    if step not in WizardStep.values:
        raise Http404
    if step == WizardStep.REVIEW and request.method == "POST":
        return _submit(request, token)
    draft = _load_draft(request, token)
    if draft.dossier_id:
        return redirect(draft.dossier)
    handler = {
        WizardStep.AGENCY: _agency,
        WizardStep.DECLARATION: _declaration,
        WizardStep.ATTACHMENTS: _attachments,
        WizardStep.CONTACT: _contact,
        WizardStep.REVIEW: _review,
    }[WizardStep(step)]
    return handler(request, draft)


def _render_step(request, draft, step, context, status=200):
    return render(
        request,
        f"dossiers/step_{step.replace('-', '_')}.html",
        {
            "draft": draft,
            "procedure": draft.procedure,
            "step": step,
            "steps": [(s, s.label, _step_url(draft, s)) for s in STEPS],
            "step_index": STEPS.index(step) + 1,
            "previous_url": _step_url(draft, STEPS[STEPS.index(step) - 1])
            if STEPS.index(step) > 0
            else draft.procedure.get_absolute_url(),
            **context,
        },
        status=status,
    )


def _agency(request, draft):
    agencies = selectors.procedure_receiving_agencies(procedure=draft.procedure)
    initial = {"co_quan": draft.agency.code} if draft.agency_id else {}
    form = AgencyForm(*_bound(request), agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.draft_set_agency(draft=draft, agency=form.cleaned_data["co_quan"])
        return redirect(_step_url(draft, WizardStep.DECLARATION))
    return _render_step(request, draft, WizardStep.AGENCY, {"form": form})


def _declaration(request, draft):
    form = DeclarationForm(
        *_bound(request),
        definitions=catalogue.procedure_parts(draft.procedure).fields,
        initial=draft.declaration,
    )
    if request.method == "POST" and form.is_valid():
        services.draft_save_declaration(draft=draft, data=form.to_json())
        return redirect(_step_url(draft, WizardStep.ATTACHMENTS))
    return _render_step(request, draft, WizardStep.DECLARATION, {"form": form})


def _attachments(request, draft):
    parts = catalogue.procedure_parts(draft.procedure)
    form = AttachmentsForm(*_bound(request, files=True), requirements=parts.upload_requirements)
    if request.method == "POST":
        valid = form.is_valid()
        try:
            if form.accepted:
                services.draft_add_files(draft=draft, files=form.accepted)
                draft = _load_draft(request, draft.token)  # with the files just stored
        except ValidationError as error:
            form.add_error(None, error)
            valid = False
        if valid and "tiep_tuc" in request.POST:
            missing = services.draft_problems(draft=draft).get(WizardStep.ATTACHMENTS)
            if not missing:
                return redirect(_step_url(draft, WizardStep.CONTACT))
            for message in missing:
                form.add_error(None, message)
        elif valid:
            return redirect(_step_url(draft, WizardStep.ATTACHMENTS))
    files = {}
    for draft_file in draft.files.all():
        files.setdefault(draft_file.document_id, []).append(draft_file)
    return _render_step(
        request,
        draft,
        WizardStep.ATTACHMENTS,
        {
            "form": form,
            "requirements": form.slots(files),
            "declarations": parts.online_declarations,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def remove_file(request, token, file_id):
    draft = _load_draft(request, token)
    if draft.dossier_id:
        return redirect(draft.dossier)
    services.draft_remove_file(draft=draft, file_id=file_id)
    messages.info(request, _("Đã xóa tệp."))
    return redirect(_step_url(draft, WizardStep.ATTACHMENTS))


def _contact(request, draft):
    form = ContactForm(
        *_bound(request),
        delivery_options=draft.procedure.delivery_options,
        initial=selectors.draft_contact_initial(draft=draft),
    )
    if request.method == "POST" and form.is_valid():
        services.draft_save_contact(draft=draft, data=form.cleaned_data)
        return redirect(_step_url(draft, WizardStep.REVIEW))
    return _render_step(request, draft, WizardStep.CONTACT, {"form": form})


def _review(request, draft, form=None, error=None):
    # Everything entered is on the server: a wrong captcha only costs a new captcha.
    problems = services.draft_problems(draft=draft)
    if error is not None and not problems:
        form.add_error(None, error)
    parts = catalogue.procedure_parts(draft.procedure)
    return _render_step(
        request,
        draft,
        WizardStep.REVIEW,
        {
            "form": form or ReviewForm(),
            "problems": problems,
            "declaration": display.declaration_rows(parts.fields, draft.declaration),
            "declarations": parts.online_declarations,
            "contact": display.contact_rows(draft.contact),
        },
        status=200 if form is None else 400,
    )


def _submit(request, token):
    """The review's "Gửi thông tin". Only the session is checked here: dossier_submit reads and
    checks the draft under its lock, so a submission reads it once, and checks the captcha
    there, after a replay (double click, reload) has been given its dossier. A refused POST
    (wrong captcha, incomplete draft) shows the review page again."""
    if str(token) not in remembered(request, DRAFTS):
        raise Http404
    form, error = ReviewForm(request.POST), None
    try:
        dossier = services.dossier_submit(draft_token=token, confirmed=form.is_valid)
    except ValidationError as refused:
        error = refused
    else:
        if dossier is not None:
            remember(request, DOSSIERS, dossier.code)
            return redirect(dossier)
    draft = _load_draft(request, token)
    if draft.dossier_id:
        return redirect(draft.dossier)
    return _review(request, draft, form, error)


def _submitted(request, code, *, select=selectors.dossier_for_session):
    """The dossier `code` if this session submitted it (by its code or its draft), or 404;
    `select` reads it (a download of its papers needs less than its page)."""
    dossier = select(
        code=code,
        session_codes=remembered(request, DOSSIERS),
        session_drafts=remembered(request, DRAFTS),
    )
    if dossier is None:
        raise Http404
    remember(request, DOSSIERS, dossier.code)
    return dossier


@require_GET
@no_store
def success(request, code):
    dossier = _submitted(request, code)
    return render(
        request,
        "dossiers/success.html",
        {"dossier": dossier, "summary": receipts.dossier_summary(dossier)},
    )


@require_GET
@no_store
def confirmation(request, code):
    """The confirmation of the online submission, for the session that submitted it."""
    dossier = _submitted(request, code, select=selectors.dossier_papers_for_session)
    return issued_pdf_response(
        dossier,
        "confirmation",
        issue=receipts.dossier_confirmation_pdf,
        stem=f"xac-nhan-nop-ho-so-{dossier.code}",
    )


@require_GET
@no_store
def receipt(request, code):
    """Mẫu 01, once the desk has accepted the dossier."""
    codes = remembered(request, DOSSIERS)
    dossier = selectors.dossier_papers_for_session(code=code, session_codes=codes)
    if dossier is None or dossier.received_at is None:
        raise Http404
    return issued_pdf_response(
        dossier,
        "receipt",
        issue=receipts.dossier_receipt_pdf,
        stem=f"giay-tiep-nhan-{dossier.code}",
    )


@require_GET
@no_store
def draft_file(request, token, file_id):
    """Show the citizen one of the files they attached, to check they picked the right one."""
    draft = _load_draft(request, token)
    attached = get_object_or_404(draft.files, pk=file_id)
    return stored_file_response(
        attached.file, content_type=attached.content_type, stem=f"tep-dinh-kem-{attached.pk}"
    )


@require_http_methods(["GET", "POST"])
@no_store
def supplement(request, token):
    """Answer a supplement request through its secret link; the link works once."""
    supplement_request = selectors.supplement_by_token(token=token)
    if supplement_request is None or not supplement_request.is_open:
        return render(request, "dossiers/supplement_closed.html", status=410)
    dossier = supplement_request.dossier
    form = SupplementForm(*_bound(request, files=True), documents=supplement_request.documents)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_receive_supplement(
                dossier_id=dossier.pk, note=form.cleaned_data["note"], files=form.checked
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "dossiers/supplement_done.html", {"dossier": dossier})
    return render(
        request,
        "dossiers/supplement.html",
        {"request_": supplement_request, "dossier": dossier, "form": form},
        status=400 if form.errors else 200,
    )

"""The public lookup: progress by code; personal details, supplement, withdrawal and rating after
the second factor."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import display, services, workflow
from dossiers.access import DOSSIERS, attachment_response, remember, remembered
from dossiers.constants import DossierStatus
from dossiers.constants import EventAction as A
from dossiers.models import Dossier
from dossiers.receipts import RATING_SALT
from dossiers.selectors import dossier_for_session
from tracking import selectors, throttle
from tracking.constants import STATUS_MEANINGS
from tracking.forms import LookupForm, RatingForm, VerifyForm, WithdrawForm
from tracking.services import lookup_verify, rating_give

WRONG = gettext_lazy("Mã hồ sơ hoặc số điện thoại không đúng.")


def rate_limited(request, exception):
    return render(request, "tracking/rate_limited.html", status=429)


def _progress_context(dossier) -> dict:
    officer = getattr(dossier.assignee, "officer", None) if dossier.assignee else None
    return {
        "dossier": dossier,
        "meaning": STATUS_MEANINGS[dossier.status],
        "timeliness": selectors.timeliness(dossier),
        "holder": dossier.current_department or dossier.receiving_agency,
        "handler": dossier.assignee.get_full_name() or dossier.assignee.username
        if dossier.assignee
        else "",
        "handler_title": officer.title if officer else "",
        "history": selectors.public_history(dossier),
    }


@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        if throttle.lookup_limited(request):
            return rate_limited(request, None)
        dossier = selectors.dossier_progress(code=form.cleaned_data["ma"])
        if dossier is None:
            context["not_found"] = True
        else:
            context.update(_progress_context(dossier))
            context["verify_form"] = VerifyForm(
                initial={"ma": dossier.code}, with_captcha=throttle.needs_captcha(request)
            )
    return render(request, "tracking/lookup.html", context)


@require_http_methods(["POST"])
def verify(request):
    code = (request.POST.get("ma") or "")[:40]
    if throttle.verification_limited(request, code):
        return rate_limited(request, None)
    form = VerifyForm(request.POST, with_captcha=throttle.needs_captcha(request))
    error = None
    if form.is_valid():
        dossier = lookup_verify(
            code=code, phone=form.cleaned_data["dien_thoai"], client_ip=throttle.client_ip(request)
        )
        if dossier is not None:
            throttle.clear_misses(request)
            remember(request, DOSSIERS, dossier.code)
            return redirect("tracking:detail", code=dossier.code)
        # The same answer whether the code or the number was wrong; a captcha once misses add up.
        throttle.record_miss(request)
        form = VerifyForm(initial={"ma": code}, with_captcha=throttle.needs_captcha(request))
        error = WRONG
    return render(
        request,
        "tracking/verify.html",
        {"verify_form": form, "verify_error": error, "code": code},
        status=400,
    )


def _verified(request, code):
    dossier = dossier_for_session(code=code, session_codes=remembered(request, DOSSIERS))
    if dossier is None:
        raise Http404
    return dossier


@require_http_methods(["GET", "POST"])
def detail(request, code):
    dossier = _verified(request, code)
    rating_form = RatingForm(request.POST or None)
    if request.method == "POST" and _rate(rating_form, dossier):
        return redirect(reverse("tracking:detail", args=[code]) + "#danh-gia")
    progress = selectors.dossier_progress(code=code)
    open_request = dossier.supplements.filter(closed_at__isnull=True).first()
    return render(
        request,
        "tracking/detail.html",
        {
            **_progress_context(progress),
            "declaration": display.declaration_rows(
                dossier.procedure.form_fields.all(), dossier.declaration
            ),
            "documents": dossier.documents.all(),
            "supplement": open_request,
            "can_withdraw": workflow.is_allowed(
                A.WITHDRAW, status=dossier.status, roles={workflow.CITIZEN}
            ),
            "rating": getattr(dossier, "rating", None),
            "rating_form": rating_form if dossier.status == DossierStatus.RETURNED else None,
            "result_online": dossier.result_online,
        },
        status=400 if rating_form.errors else 200,
    )


def _rate(form: RatingForm, dossier: Dossier) -> bool:
    """Record the rating of a valid form; put the refusal on the form otherwise."""
    if not form.is_valid():
        return False
    try:
        rating_give(
            dossier=dossier, score=form.cleaned_data["muc_do"], comment=form.cleaned_data["y_kien"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
def withdraw(request, code):
    dossier = _verified(request, code)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(dossier_id=dossier.pk, reason=form.cleaned_data["ly_do"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("tracking:detail", code=code)
    return render(request, "tracking/withdraw.html", {"dossier": dossier, "form": form})


@require_GET
def document(request, code, pk):
    dossier = _verified(request, code)
    return attachment_response(dossier, pk)


@require_GET
def result(request, code):
    dossier = _verified(request, code)
    if not dossier.result_online:
        raise Http404
    return FileResponse(dossier.result_file.open("rb"), filename=f"ket-qua-{dossier.code}.pdf")


@require_http_methods(["GET", "POST"])
def rate_by_link(request, token):
    """The rating link of the "result returned" email: no lookup needed, one rating only."""
    try:
        pk = signing.loads(token, salt=RATING_SALT, max_age=90 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    dossier = Dossier.objects.select_related("procedure").filter(pk=pk).first()
    if dossier is None:
        raise Http404
    form = RatingForm(request.POST or None)
    done = hasattr(dossier, "rating")
    if request.method == "POST" and not done:
        done = _rate(form, dossier)
    return render(request, "tracking/rate.html", {"dossier": dossier, "form": form, "done": done})

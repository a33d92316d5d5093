"""The public lookup: progress by code; personal details, supplement, withdrawal and rating after
the second factor."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import pagecache
from core.headers import no_store
from dossiers import display, fee_receipts, services, timeliness, workflow
from dossiers.access import (
    DOSSIERS,
    attachment_response,
    pdf_file_response,
    remember,
    remembered,
)
from dossiers.constants import DossierStatus
from dossiers.constants import EventAction as A
from dossiers.fees import dossier_fees
from dossiers.models import Dossier
from dossiers.receipts import RATING_SALT
from dossiers.selectors import dossier_for_session, postal_items
from procedures.selectors import procedure_parts
from tracking import selectors, throttle
from tracking.cache import fresh_for, progress_key
from tracking.constants import STATUS_MEANINGS
from tracking.forms import LookupForm, RatingForm, VerifyForm, WithdrawForm
from tracking.services import lookup_verify, rating_give

WRONG = gettext_lazy("Mã hồ sơ hoặc số điện thoại không đúng.")


def rate_limited(request, exception):
    return render(request, "tracking/rate_limited.html", status=429)


def _progress_context(dossier) -> dict:
    state = timeliness.judge(dossier, now=timezone.now())
    officer = getattr(dossier.assignee, "officer", None) if dossier.assignee else None
    return {
        "dossier": dossier,
        "meaning": STATUS_MEANINGS[dossier.status],
        "timeliness": state,
        "timeliness_label": timeliness.label(state),
        "holder": dossier.current_department or dossier.holder,
        "handler": dossier.assignee.get_full_name() or dossier.assignee.username
        if dossier.assignee
        else "",
        "handler_title": officer.title if officer else "",
        "history": selectors.public_history(dossier),
    }


@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(request, "tracking/lookup.html", {"form": form})
    code = form.cleaned_data["ma"]
    key = progress_key(code, get_language())
    limited, response = throttle.lookup_counted(request, key)
    if limited:
        return rate_limited(request, None)
    if not settings.LOOKUP_CACHE_SECONDS or not pagecache.cacheable(request):
        return _progress_page(request, code)[0]
    if response is None:
        response, seconds = _progress_page(request, code)
        pagecache.keep(key, response, seconds=seconds, local=False)
    return response


def _progress_page(request, code) -> tuple:
    """The page, the same for every visitor (the second factor has its own page, with the CSRF
    token), and how long tracking.cache may keep it."""
    context = {"form": LookupForm({"ma": code})}
    dossier = selectors.dossier_progress(code=code)
    if dossier is None:
        page = render(request, "tracking/lookup.html", {**context, "not_found": True}, status=404)
        return page, 0
    page = render(request, "tracking/lookup.html", {**context, **_progress_context(dossier)})
    return page, fresh_for(dossier)


@require_http_methods(["GET", "POST"])
@no_store
def verify(request):
    """The second factor's form (GET, from the lookup page) and its answer (POST)."""
    if request.method == "GET":
        form = LookupForm(request.GET)
        if not form.is_valid():
            return redirect("tracking:lookup")
        code = form.cleaned_data["ma"]
        return _verify_page(request, code, None)
    code = (request.POST.get("ma") or "")[:40]
    if throttle.verification_limited(request, code):
        return rate_limited(request, None)
    form = VerifyForm(request.POST, with_captcha=throttle.needs_captcha(request, code))
    if not form.is_valid():
        return _verify_page(request, code, None, form=form)
    dossier = lookup_verify(
        code=code, phone=form.cleaned_data["dien_thoai"], client_ip=throttle.client_ip(request)
    )
    if dossier is not None:
        throttle.clear_misses(request)
        remember(request, DOSSIERS, dossier.code)
        return redirect("tracking:detail", code=dossier.code)
    # The same answer whether the code or the number was wrong; a captcha once misses add up.
    throttle.record_miss(request, code)
    return _verify_page(request, code, WRONG)


def _verify_page(request, code, error, *, form=None):
    form = form or VerifyForm(
        initial={"ma": code}, with_captcha=throttle.needs_captcha(request, code)
    )
    return render(
        request,
        "tracking/verify.html",
        {"verify_form": form, "verify_error": error, "code": code},
        status=400 if request.method == "POST" else 200,
    )


def _verified(request, code):
    dossier = dossier_for_session(code=code, session_codes=remembered(request, DOSSIERS))
    if dossier is None:
        raise Http404
    return dossier


@require_http_methods(["GET", "POST"])
@no_store
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
            "dossier": dossier,  # the progress has only what the public page shows
            "declaration": display.declaration_rows(
                procedure_parts(dossier.procedure).fields, dossier.declaration
            ),
            "documents": dossier.documents.all(),
            "supplement": open_request,
            "can_withdraw": workflow.is_allowed(
                A.WITHDRAW, status=dossier.status, roles={workflow.CITIZEN}
            ),
            "rating": getattr(dossier, "rating", None),
            "rating_form": rating_form if dossier.status == DossierStatus.RETURNED else None,
            "result_online": dossier.result_online,
            "issued_result": dossier.issued,
            "postal_items": postal_items(dossier),
            "fees": dossier_fees(dossier),
        },
        status=400 if rating_form.errors else 200,
    )


@require_POST
@no_store
def pay(request, code):
    """Thanh toán trực tuyến: send the citizen to the gateway for one pending fee."""
    dossier = _verified(request, code)
    try:
        url = services.dossier_fee_payment_start(
            dossier=dossier,
            fee_key=(request.POST.get("khoan_phi") or "")[:50],
            return_url=request.build_absolute_uri(reverse("payments:return")),
            client_ip=throttle.client_ip(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("tracking:detail", args=[code]) + "#phi-le-phi")
    return HttpResponseRedirect(url)


@require_GET
@no_store
def fee_receipt(request, code, pk):
    """The e-receipt (biên lai điện tử) of a fee the citizen paid online."""
    dossier = _verified(request, code)
    order = fee_receipts.paid_order(dossier, pk)
    if order is None:
        raise Http404
    response = HttpResponse(
        fee_receipts.render_fee_receipt(dossier, order), content_type="application/pdf"
    )
    filename = fee_receipts.fee_receipt_filename(dossier, order)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


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
@no_store
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
@no_store
def document(request, code, pk):
    dossier = _verified(request, code)
    return attachment_response(dossier, pk)


@require_GET
@no_store
def result(request, code):
    dossier = _verified(request, code)
    if not dossier.result_online:
        raise Http404
    return pdf_file_response(dossier.result_file, stem=f"ket-qua-{dossier.code}")


@require_http_methods(["GET", "POST"])
@no_store
def rate_by_link(request, token):
    """The rating link of the "result returned" email: no lookup needed, one rating only."""
    try:
        pk = signing.loads(token, salt=RATING_SALT, max_age=90 * 24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").filter(pk=pk).first()
    if dossier is None:
        raise Http404
    form = RatingForm(request.POST or None)
    done = hasattr(dossier, "rating")
    if request.method == "POST" and not done:
        done = _rate(form, dossier)
    return render(request, "tracking/rate.html", {"dossier": dossier, "form": form, "done": done})


@require_GET
@no_store
def verify_result(request, token):
    """Whether an issued result is genuine and still stands: what the agency issued, without the
    citizen's personal data (the document itself carries them)."""
    issued = selectors.issued_result(token=token[:64])
    if issued is None:
        return render(request, "tracking/verify_result.html", {"issued": None}, status=404)
    return render(request, "tracking/verify_result.html", {"issued": issued})

"""The gateway's two ways back (the IPN, server-to-server; the citizen's return, display only)
and the built-in sandbox gateway."""

import json
import logging

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.headers import no_store
from payments import sandbox, services, vnpay
from payments.constants import PaymentState, RspCode
from payments.gateway import sandbox_active

logger = logging.getLogger(__name__)


@csrf_exempt
@require_GET
def ipn(request):
    """VNPay's IPN: the business update. Always HTTP 200 with {"RspCode", "Message"}."""
    try:
        code = services.payment_ipn(request.GET)
    except Exception:  # the gateway gets "99" and retries; the error is logged for us
        logger.exception("VNPay IPN failed: %s", request.GET.get("vnp_TxnRef", ""))
        code = RspCode.UNKNOWN
    return JsonResponse({"RspCode": code.value, "Message": code.label})


@no_store
@require_GET
def vnpay_return(request):
    """Where the citizen's browser comes back: shows the order's state, changes nothing."""
    order, valid = services.payment_return_seen(request.GET)
    if order is None or not valid:
        outcome = "invalid"
    elif order.state == PaymentState.PAID:
        outcome = "paid"
    elif order.state == PaymentState.PENDING and vnpay.is_paid(request.GET):
        outcome = "pending"
    elif order.state == PaymentState.REFUNDED:
        outcome = "refunded"
    elif order.state == PaymentState.CANCELLED or request.GET.get("vnp_ResponseCode") == "24":
        outcome = "cancelled"
    else:
        outcome = "failed"
    return render(
        request,
        "payments/return.html",
        {"order": order if valid else None, "outcome": outcome},
        status=400 if outcome == "invalid" else 200,
    )


@no_store
@require_http_methods(["GET", "POST"])
def sandbox_page(request):
    """The sandbox's payment page (404 unless the sandbox stands in for VNPay)."""
    if not sandbox_active():
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    try:
        fields = sandbox.sandbox_check(params)
    except sandbox.SandboxError as error:
        return render(request, "payments/sandbox.html", {"error": str(error)}, status=400)
    choice = request.POST.get("choice", "")
    if request.method == "POST" and choice in sandbox.CHOICES:
        return HttpResponseRedirect(sandbox.sandbox_settle(fields, choice))
    amount = int(fields["vnp_Amount"]) // 100
    hidden = sorted({**fields, "vnp_SecureHash": params.get("vnp_SecureHash", "")}.items())
    return render(
        request, "payments/sandbox.html", {"fields": fields, "amount": amount, "hidden": hidden}
    )


@csrf_exempt
@require_POST
def sandbox_api(request):
    """The sandbox's merchant API (querydr, refund): POST JSON, signed as VNPay's."""
    if not sandbox_active():
        raise Http404
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
    return JsonResponse(sandbox.api_answer({key: str(value) for key, value in body.items()}))

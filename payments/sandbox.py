"""The built-in sandbox gateway (DEBUG, no VNPAY_PAYMENT_URL): VNPay's protocol, same signatures.

Its page checks the signed redirect and offers pay / cancel / fail / "pay but lose the IPN";
it records the outcome (`SandboxTransaction`, what VNPay would know), calls the IPN
server-to-server, in-process (`services.payment_ipn`, the code the IPN view runs, after the
record commits; not through the citizen's browser), and sends the browser back to the return URL
signed. Its merchant API answers querydr and refund from its record.
"""

import datetime
import secrets
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from payments import vnpay
from payments.gateway import gateway
from payments.models import SandboxTransaction

# choice → (vnp_ResponseCode, vnp_TransactionStatus, whether the IPN is sent)
CHOICES = {
    "pay": ("00", "00", True),
    "cancel": ("24", "02", True),
    "fail": ("51", "02", True),
    "pay_lost_ipn": ("00", "00", False),
}
RETURN_FIELDS = (
    "vnp_Amount",
    "vnp_OrderInfo",
    "vnp_TmnCode",
    "vnp_TxnRef",
)


class SandboxError(Exception):
    """A redirect the sandbox refuses (what VNPay's page would show as an error)."""


def sandbox_check(params: Mapping[str, str], *, now: datetime.datetime | None = None) -> dict:
    """Return the `vnp_*` fields of a payment redirect the sandbox accepts, else raise."""
    fields = {key: str(params[key]) for key in params if key.startswith("vnp_")}
    current = gateway()
    if not vnpay.verify_query(fields, current.secret):
        raise SandboxError("invalid_signature")
    if fields.get("vnp_TmnCode") != current.tmn_code or fields.get("vnp_Command") != "pay":
        raise SandboxError("invalid_merchant")
    expires = vnpay.parse_gmt7(fields.get("vnp_ExpireDate", ""))
    if expires is None or expires <= (now or timezone.now()):
        raise SandboxError("expired")
    if not fields.get("vnp_Amount", "").isdigit() or not fields.get("vnp_ReturnUrl"):
        raise SandboxError("invalid_request")
    return fields


def sandbox_settle(fields: Mapping[str, str], choice: str) -> str:
    """Record the outcome of `choice` for a checked redirect, send the IPN after commit (unless
    the choice loses it) and return the signed return URL for the browser."""
    response_code, status, send_ipn = CHOICES[choice]
    now = timezone.now()
    result = {name: fields[name] for name in RETURN_FIELDS}
    result.update(
        {
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}",
            "vnp_CardType": "ATM",
            "vnp_PayDate": vnpay.gmt7(now),
            "vnp_ResponseCode": response_code,
            "vnp_TransactionNo": str(10**7 + secrets.randbelow(9 * 10**7)),
            "vnp_TransactionStatus": status,
        }
    )
    with transaction.atomic():
        SandboxTransaction.objects.update_or_create(
            txn_ref=result["vnp_TxnRef"],
            defaults={
                "amount": int(result["vnp_Amount"]),
                "order_info": result["vnp_OrderInfo"],
                "response_code": response_code,
                "transaction_status": status,
                "transaction_no": result["vnp_TransactionNo"],
                "pay_date": result["vnp_PayDate"],
            },
        )
    secret = gateway().secret
    signed = dict(result, vnp_SecureHash=vnpay.hmac_sha512(secret, vnpay.query_text(result)))
    if send_ipn:
        from payments.services import payment_ipn

        payment_ipn(signed)
    return vnpay.payment_url(fields["vnp_ReturnUrl"], result, secret)


def api_answer(body: Mapping[str, str]) -> dict[str, str]:
    """Answer a merchant API request (querydr or refund) as VNPay does, signed."""
    current = gateway()
    command = str(body.get("vnp_Command", ""))
    fields = vnpay.REFUND_REQUEST_FIELDS if command == "refund" else vnpay.QUERYDR_REQUEST_FIELDS
    answer = {
        "vnp_ResponseId": secrets.token_hex(8),
        "vnp_Command": command,
        "vnp_TmnCode": current.tmn_code,
        "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        "vnp_Amount": "",
        "vnp_BankCode": "",
        "vnp_PayDate": "",
        "vnp_TransactionNo": "",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "",
        "vnp_OrderInfo": "",
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    record = SandboxTransaction.objects.filter(txn_ref=answer["vnp_TxnRef"]).first()
    if command not in ("querydr", "refund") or not vnpay.api_verify(body, fields, current.secret):
        answer.update(vnp_ResponseCode="97", vnp_Message="Invalid Checksum")
    elif record is None:
        answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
    elif command == "refund" and (record.transaction_status != "00" or record.refunded):
        answer.update(vnp_ResponseCode="95", vnp_Message="Transaction not refundable")
    else:
        if command == "refund":
            SandboxTransaction.objects.filter(pk=record.pk).update(refunded=True)
        answer.update(
            vnp_ResponseCode="00",
            vnp_Message="Success",
            vnp_Amount=str(record.amount),
            vnp_BankCode="NCB",
            vnp_PayDate=record.pay_date,
            vnp_TransactionNo=record.transaction_no,
            vnp_TransactionType="02" if command == "refund" else "01",
            vnp_TransactionStatus=record.transaction_status,
            vnp_OrderInfo=record.order_info,
        )
    response_fields = (
        vnpay.REFUND_RESPONSE_FIELDS if command == "refund" else vnpay.QUERYDR_RESPONSE_FIELDS
    )
    answer["vnp_SecureHash"] = vnpay.api_sign(answer, response_fields, current.secret)
    return answer

"""VNPay v2.1.0, pure functions: the signed redirect, the check of a returned or IPN query, and
the JSON requests of the merchant API (querydr, refund). No settings, no database, no clock.

The payment URL's signature (VNPay's integration guide and its sample code): the `vnp_*`
parameters sorted by key, each `key=quote_plus(value)` joined with `&`, HMAC-SHA512 of that
text with the merchant's secret, in hex. The merchant API signs instead its fields' values,
in a fixed order, joined with `|`.
"""

import datetime
import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

VERSION = "2.1.0"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")

# The merchant API's signed fields, in the order VNPay's documentation lists them.
QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)


def gmt7(moment: datetime.datetime) -> str:
    """Return `moment` (aware) as VNPay writes dates: yyyyMMddHHmmss in GMT+7."""
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def parse_gmt7(text: str) -> datetime.datetime | None:
    """Return the aware moment of a VNPay date, or None if it is not one."""
    try:
        return datetime.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


def ascii_text(text: str, limit: int = 255) -> str:
    """Return `text` without diacritics (VNPay asks vnp_OrderInfo in plain Latin letters)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return stripped.encode("ascii", "ignore").decode()[:limit]


def hmac_sha512(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def query_text(params: Mapping[str, str]) -> str:
    """Return the text the payment URL's signature covers: the sorted `vnp_*` fields but the
    hash ones, `key=quote_plus(value)` joined with `&`, as VNPay's Python sample does."""
    return "&".join(
        f"{quote_plus(key)}={quote_plus(str(value))}"
        for key, value in sorted(params.items())
        if key.startswith("vnp_") and key not in HASH_FIELDS
    )


def sign_query(params: Mapping[str, str], secret: str) -> str:
    """Return the signed query string of `params` (the signature appended last)."""
    text = query_text(params)
    return f"{text}&vnp_SecureHash={hmac_sha512(secret, text)}"


def verify_query(params: Mapping[str, str], secret: str) -> bool:
    """Whether a returned or IPN query's vnp_SecureHash is the merchant's signature of the rest."""
    received = str(params.get("vnp_SecureHash", "")).lower()
    if not received or not secret:
        return False
    return hmac.compare_digest(received, hmac_sha512(secret, query_text(params)))


def payment_params(
    *,
    tmn_code: str,
    amount: int,
    txn_ref: str,
    order_info: str,
    return_url: str,
    ip_addr: str,
    created_at: datetime.datetime,
    expires_at: datetime.datetime,
    locale: str = "vn",
    order_type: str = "other",
    bank_code: str = "",
) -> dict[str, str]:
    """Return the unsigned parameters of the payment redirect; `amount` in đồng."""
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": str(amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": ascii_text(order_info),
        "vnp_OrderType": order_type,
        "vnp_Locale": "en" if locale == "en" else "vn",
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_addr,
        "vnp_CreateDate": gmt7(created_at),
        "vnp_ExpireDate": gmt7(expires_at),
    }
    if bank_code:
        params["vnp_BankCode"] = bank_code
    return params


def payment_url(base_url: str, params: Mapping[str, str], secret: str) -> str:
    """Return the gateway's page with the signed `params`."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}{sign_query(params, secret)}"


def api_sign(body: Mapping[str, str], fields: tuple[str, ...], secret: str) -> str:
    """Return the merchant API's signature of `body`: its `fields` values joined with `|`."""
    return hmac_sha512(secret, "|".join(str(body.get(name, "")) for name in fields))


def api_verify(body: Mapping[str, str], fields: tuple[str, ...], secret: str) -> bool:
    received = str(body.get("vnp_SecureHash", "")).lower()
    if not received or not secret:
        return False
    return hmac.compare_digest(received, api_sign(body, fields, secret))


def querydr_request(
    *,
    request_id: str,
    tmn_code: str,
    txn_ref: str,
    transaction_date: str,
    created_at: datetime.datetime,
    ip_addr: str,
    secret: str,
) -> dict[str, str]:
    """Return the signed JSON body of a querydr (the order's vnp_CreateDate as transaction date)."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": ascii_text(f"Tra cuu giao dich {txn_ref}"),
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateDate": gmt7(created_at),
        "vnp_IpAddr": ip_addr,
    }
    body["vnp_SecureHash"] = api_sign(body, QUERYDR_REQUEST_FIELDS, secret)
    return body


def refund_request(
    *,
    request_id: str,
    tmn_code: str,
    txn_ref: str,
    amount: int,
    transaction_no: str,
    transaction_date: str,
    create_by: str,
    created_at: datetime.datetime,
    ip_addr: str,
    secret: str,
) -> dict[str, str]:
    """Return the signed JSON body of a full refund ("02") of `amount` đồng."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": "02",
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": str(amount * 100),
        "vnp_OrderInfo": ascii_text(f"Hoan phi giao dich {txn_ref}"),
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateBy": create_by,
        "vnp_CreateDate": gmt7(created_at),
        "vnp_IpAddr": ip_addr,
    }
    body["vnp_SecureHash"] = api_sign(body, REFUND_REQUEST_FIELDS, secret)
    return body


def is_paid(params: Mapping[str, str]) -> bool:
    """Whether a returned, IPN or querydr answer says the money was taken."""
    return params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"

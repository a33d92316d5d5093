"""The e-receipt (biên lai điện tử) of a fee paid online: a PDF per paid order, attached to the
"đã thanh toán" email and downloadable from the lookup after the second factor."""

from django.utils import timezone

from core.pdf import render_pdf
from dossiers.fees import SUBJECT, vnd
from dossiers.models import Dossier
from payments.constants import PaymentState
from payments.models import PaymentOrder

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")


def _hundreds(number: int, *, full: bool) -> list[str]:
    """Read 0-999; `full` when a higher group precedes (1.005.000: "không trăm linh năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def amount_in_words(amount: int) -> str:
    """Return `amount` đồng in Vietnamese words, as written on a receipt ("Mười sáu nghìn đồng").
    Amounts up to 999 tỷ."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _hundreds(group, full=index < len(groups) - 1)
        if SCALES[index]:
            words.append(SCALES[index])
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]


def paid_order(dossier: Dossier, order_id: int) -> PaymentOrder | None:
    """Return the dossier's paid (or since refunded) order `order_id`, else None."""
    return (
        PaymentOrder.objects.select_related("agency")
        .filter(
            pk=order_id,
            subject_type=SUBJECT,
            subject_id=dossier.pk,
            state__in=(PaymentState.PAID, PaymentState.REFUNDED),
        )
        .first()
    )


def render_fee_receipt(dossier: Dossier, order: PaymentOrder) -> bytes:
    paid_at = timezone.localtime(order.paid_at or order.created_at)
    return render_pdf(
        "dossiers/fee_receipt.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "agency": order.agency or dossier.receiving_agency,
            "order": order,
            "amount": vnd(order.amount),
            "amount_words": amount_in_words(order.amount),
            "paid_at": paid_at,
            "dated": paid_at,
        },
    )


def fee_receipt_filename(dossier: Dossier, order: PaymentOrder) -> str:
    return f"bien-lai-{dossier.code}-{order.txn_ref}.pdf"


def fee_receipt_attachment(order_id: int) -> tuple[str, bytes, str]:
    """Attachment provider for notifications: the e-receipt of a paid order."""
    order = PaymentOrder.objects.select_related("agency").get(pk=order_id)
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").get(
        pk=order.subject_id
    )
    return (
        fee_receipt_filename(dossier, order),
        render_fee_receipt(dossier, order),
        "application/pdf",
    )

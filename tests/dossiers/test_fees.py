"""The fee an officer asks for (status 6) and its online payment (issue 18): the orders the
request creates, the citizen's message, the gateway's confirmation resuming the dossier once,
and the scope."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.fee_receipts import amount_in_words
from dossiers.models import Dossier
from notifications.attachments import resolve
from notifications.models import Message
from notifications.services import message_render
from payments.constants import PaymentState
from payments.models import PaymentOrder
from procedures.constants import FeeKind, ServiceLevel
from tests.dossiers.factories import DossierFactory
from tests.factories import FeeRuleFactory, ProcedureFactory
from tests.payments.conftest import SECRET, TMN_CODE, gateway_answer
from tests.pdf import pdf_text

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REQUESTED = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=HCM)  # a Tuesday
PAID = datetime.datetime(2026, 12, 8, 10, 30, tzinfo=HCM)


@pytest.fixture(autouse=True)
def _gateway(settings):
    settings.VNPAY_TMN_CODE = TMN_CODE
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    settings.VNPAY_API_URL = ""


def processing(procedure, desk, **kwargs):
    with time_machine.travel(REQUESTED - datetime.timedelta(hours=1), tick=False):
        return DossierFactory(
            processing=True,
            procedure=procedure,
            receiving_agency=procedure.receiving_agencies.get(),
            actor=desk["receiving"],
            department=desk["justice"],
            handler=desk["specialist"],
            **kwargs,
        )


def request_fee(dossier, desk, **kwargs):
    with time_machine.travel(REQUESTED, tick=False):
        return services.dossier_request_fee(
            dossier_id=dossier.pk, actor=desk["specialist"], **kwargs
        )


def ipn(client, order, captured):
    with time_machine.travel(PAID, tick=False), captured(execute=True):
        return client.get("/thanh-toan/vnpay/ipn/", gateway_answer(order)).json()


def test_the_request_creates_the_order_and_tells_the_amount(trich_luc, desk):
    dossier = processing(trich_luc, desk)
    event = request_fee(dossier, desk, copies=2, note="Nộp trong 5 ngày")

    order = PaymentOrder.objects.get()
    rule = trich_luc.fees.get()
    assert (order.subject_type, order.subject_id, order.reference) == (
        "dossiers.dossier",
        dossier.pk,
        dossier.code,
    )
    assert (order.fee_key, order.amount, order.state) == (f"r1-{rule.pk}", 16000, "pending")
    assert (order.agency, order.fee_rule, order.description) == (
        dossier.receiving_agency,
        rule,
        "Phí cấp bản sao Trích lục hộ tịch",
    )
    assert order.return_to == f"/tra-cuu/{dossier.code}/chi-tiet/"
    assert order.created_at == REQUESTED
    dossier.refresh_from_db()
    assert (dossier.status, dossier.paused_at) == (S.FEE_REQUESTED, REQUESTED)
    assert (event.action, event.to_status, event.note) == (A.REQUEST_FEE, 6, "Nộp trong 5 ngày")
    email = Message.objects.get(channel="email")
    assert email.template == "fee_requested"
    assert email.context["fees"] == [
        {"label": "Phí cấp bản sao Trích lục hộ tịch", "amount": "16.000"}
    ]
    assert (email.context["total"], email.context["paused"]) == ("16.000", True)
    assert email.context["lookup_url"].endswith(f"/tra-cuu/?ma={dossier.code}")


def test_the_message_renders_the_amount_and_the_lookup(trich_luc, desk, settings):
    settings.SMS_NOTIFY = "always"
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk, copies=2)
    email = Message.objects.get(channel="email")
    rendered = message_render(email)
    text = rendered["text"]
    assert rendered["subject"].endswith(f"Nộp phí, lệ phí hồ sơ {dossier.code}")
    assert "16.000 đồng" in rendered["html"]
    sms = message_render(Message.objects.get(channel="sms"))["text"]
    assert sms == (
        f"Hồ sơ {dossier.code}: vui lòng nộp phí, lệ phí 16.000 đồng. "
        f"Thanh toán trực tuyến tại: {email.context['lookup_url']}"
    )
    assert "- Phí cấp bản sao Trích lục hộ tịch: 16.000 đồng" in text
    assert "Tổng cộng: 16.000 đồng" in text
    assert f"Tra cứu hồ sơ và thanh toán trực tuyến: {email.context['lookup_url']}" in text


def test_the_officer_enters_the_amount(trich_luc, desk):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk, amount=250000)
    order = PaymentOrder.objects.get()
    assert (order.fee_key, order.amount, order.fee_rule, order.description) == (
        "r1-manual",
        250000,
        None,
        "Phí, lệ phí",
    )


def test_a_request_with_nothing_to_pay_online_creates_no_order(catalogue, desk):
    free = ProcedureFactory(level=ServiceLevel.FULL, receiving_agencies=[catalogue["long_bien"]])
    FeeRuleFactory(procedure=free, kind=FeeKind.FREE, amount=0)
    dossier = processing(free, desk)
    request_fee(dossier, desk)
    assert not PaymentOrder.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == S.FEE_REQUESTED
    assert Message.objects.get(channel="email").context["total"] == ""


@pytest.mark.parametrize(
    ("kwargs", "code"), [({"copies": 0}, "fee_quantity"), ({"amount": 0}, "fee_amount")]
)
def test_bad_quantities_are_refused(trich_luc, desk, kwargs, code):
    dossier = processing(trich_luc, desk)
    with pytest.raises(ValidationError) as refused:
        request_fee(dossier, desk, **kwargs)
    assert refused.value.code == code
    assert not PaymentOrder.objects.exists()


def test_another_wards_officer_cannot_request_the_fee(trich_luc, desk):
    dossier = processing(trich_luc, desk)
    with pytest.raises(ValidationError) as refused:
        services.dossier_request_fee(dossier_id=dossier.pk, actor=desk["other_ward"])
    assert refused.value.code == "not_found"
    assert not PaymentOrder.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING


def test_the_paid_fee_resumes_the_dossier_once(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    dossier = processing(trich_luc, desk)
    twin = processing(trich_luc, desk)
    request_fee(dossier, desk)
    request_fee(twin, desk)
    order = PaymentOrder.objects.get(subject_id=dossier.pk)
    Message.objects.all().delete()

    assert ipn(client, order, django_capture_on_commit_callbacks)["RspCode"] == "00"
    assert ipn(client, order, django_capture_on_commit_callbacks)["RspCode"] == "02"

    dossier.refresh_from_db()
    order.refresh_from_db()
    assert (dossier.status, dossier.paused_at, order.state) == (S.PROCESSING, None, "paid")
    event = dossier.events.get(action=A.CONFIRM_FEE)
    assert (event.from_status, event.to_status, event.actor) == (6, 4, None)
    assert event.actor_name == "Hệ thống (thanh toán trực tuyến)"
    assert event.note == (
        f"Đã thanh toán trực tuyến 8.000 đồng, giao dịch {order.txn_ref} (VNPay 14226112)."
    )
    assert event.created_at == PAID
    # The clock resumes as the desk's confirmation at the same moment resumes it.
    with time_machine.travel(PAID, tick=False):
        services.dossier_confirm_fee(dossier_id=twin.pk, actor=desk["receiving"])
    twin.refresh_from_db()
    assert (dossier.due_at, dossier.appointment_at) == (twin.due_at, twin.appointment_at)
    assert dossier.due_at > twin.events.get(action=A.ACCEPT).due_at
    paid = Message.objects.get(channel="email")
    assert (paid.template, paid.context["total"]) == ("fee_paid", "8.000")
    assert paid.context["fees"] == [
        {
            "label": "Phí cấp bản sao Trích lục hộ tịch",
            "amount": "8.000",
            "txn_ref": order.txn_ref,
        }
    ]
    # A repeated signal changes nothing.
    assert services.dossier_fee_paid(dossier_id=dossier.pk, order_id=order.pk) is None
    assert dossier.events.filter(action=A.CONFIRM_FEE).count() == 1


def test_a_lost_resumption_is_caught_up_by_beat(
    client, trich_luc, desk, django_capture_on_commit_callbacks, monkeypatch
):
    """The IPN recorded the payment, then its after-commit step failed (the database gone for a
    moment): the dossier waits at status 6 until the periodic sweep resumes it, once."""
    dossier, unpaid = processing(trich_luc, desk), processing(trich_luc, desk)
    request_fee(dossier, desk)
    request_fee(unpaid, desk)
    order = PaymentOrder.objects.get(subject_id=dossier.pk)

    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("dossiers.services.fees.dossier_fee_paid", fail)
    assert ipn(client, order, django_capture_on_commit_callbacks)["RspCode"] == "00"
    monkeypatch.undo()
    dossier.refresh_from_db()
    assert (dossier.status, PaymentOrder.objects.get(pk=order.pk).state) == (
        S.FEE_REQUESTED,
        "paid",
    )

    assert services.dossiers_resume_paid() == 1
    assert services.dossiers_resume_paid() == 0
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING
    assert dossier.events.filter(action=A.CONFIRM_FEE).count() == 1
    assert Dossier.objects.get(pk=unpaid.pk).status == S.FEE_REQUESTED


def test_the_dossier_waits_for_every_fee(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    FeeRuleFactory(procedure=trich_luc, label="Lệ phí hộ tịch", kind=FeeKind.FIXED, amount=5000)
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk)
    first, second = PaymentOrder.objects.order_by("pk")
    assert (first.amount, second.amount) == (8000, 5000)

    ipn(client, first, django_capture_on_commit_callbacks)
    assert Dossier.objects.get(pk=dossier.pk).status == S.FEE_REQUESTED
    ipn(client, second, django_capture_on_commit_callbacks)
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING
    assert dossier.events.get(action=A.CONFIRM_FEE).note.startswith(
        "Đã thanh toán trực tuyến 13.000 đồng, giao dịch "
    )


def test_a_payment_after_the_desk_confirmed_changes_nothing(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk)
    with time_machine.travel(PAID, tick=False):
        services.dossier_confirm_fee(
            dossier_id=dossier.pk, actor=desk["receiving"], note="Tiền mặt"
        )
    ipn(client, PaymentOrder.objects.get(), django_capture_on_commit_callbacks)
    assert list(dossier.events.filter(action=A.CONFIRM_FEE).values_list("note", flat=True)) == [
        "Tiền mặt"
    ]
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING


def test_a_second_request_is_a_new_round(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    """A fee asked again later is paid again: the first request's payment does not count."""
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk)
    ipn(client, PaymentOrder.objects.get(), django_capture_on_commit_callbacks)
    with time_machine.travel(PAID + datetime.timedelta(hours=1), tick=False):
        services.dossier_request_fee(dossier_id=dossier.pk, actor=desk["specialist"], amount=3000)
    assert Dossier.objects.get(pk=dossier.pk).status == S.FEE_REQUESTED
    again = PaymentOrder.objects.get(state=PaymentState.PENDING)
    assert again.fee_key == "r2-manual"
    assert services.dossier_fee_paid(dossier_id=dossier.pk, order_id=again.pk) is None


def admin_url(name, *args):
    return reverse(f"admin:dossiers_dossier_{name}", args=args)


def test_the_officer_requests_the_fee_in_the_admin(client, trich_luc, desk, time_machine):
    dossier = processing(trich_luc, desk)
    time_machine.move_to(REQUESTED, tick=False)
    client.force_login(desk["specialist"])
    form = client.get(admin_url("action", dossier.pk, "request_fee")).content.decode()
    assert "Để trống để tính theo mức thu của thủ tục: Phí cấp bản sao Trích lục hộ tịch." in form
    refused = client.post(
        admin_url("action", dossier.pk, "request_fee"), {"copies": "0", "pages": "1"}
    )
    assert refused.status_code == 400
    assert "Số bản phải từ 1 trở lên." in refused.content.decode()
    response = client.post(
        admin_url("action", dossier.pk, "request_fee"),
        {"copies": "3", "pages": "1", "amount": "", "note": ""},
    )
    assert response.status_code == 302
    assert PaymentOrder.objects.get().amount == 24000
    page = client.get(admin_url("change", dossier.pk)).content.decode()
    assert "Phí cấp bản sao Trích lục hộ tịch: <strong>24.000 đồng</strong> · Chờ thanh toán" in (
        page
    )


def test_the_officers_page_shows_the_payment(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk)
    order = PaymentOrder.objects.get()
    ipn(client, order, django_capture_on_commit_callbacks)
    client.force_login(desk["receiving"])
    page = client.get(admin_url("change", dossier.pk)).content.decode()
    assert (
        f"8.000 đồng</strong> · Đã thanh toán · mã giao dịch {order.txn_ref} (VNPay 14226112), "
        "lúc 10:30 08/12/2026"
    ) in page


def test_another_wards_officer_sees_no_fee(client, trich_luc, desk):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk)
    client.force_login(desk["other_ward"])
    assert client.get(admin_url("change", dossier.pk)).status_code == 404
    order = PaymentOrder.objects.get()
    response = client.get(reverse("admin:payments_paymentorder_change", args=[order.pk]))
    # The scoped admin does not find it: Django's answer to a missing object.
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


def test_the_list_shows_the_payment_of_dossiers_waiting_for_their_fee(client, trich_luc, desk):
    online = processing(trich_luc, desk)
    request_fee(online, desk)
    at_desk = processing(trich_luc, desk)
    request_fee(at_desk, desk, copies=1)
    PaymentOrder.objects.filter(subject_id=at_desk.pk).update(state=PaymentState.FAILED)
    other = processing(trich_luc, desk)
    client.force_login(desk["receiving"])
    response = client.get(admin_url("changelist"))
    rows = {dossier.code: dossier.fee_payment for dossier in response.context["cl"].result_list}
    assert rows == {online.code: "pending", at_desk.code: "failed", other.code: None}
    body = response.content.decode()
    assert (
        '<span class="status status-6">Yêu cầu thực hiện nghĩa vụ tài chính</span> '
        '<span class="payment payment-pending">Chờ thanh toán trực tuyến</span>'
    ) in body
    assert '<span class="payment payment-failed">Thanh toán trực tuyến thất bại</span>' in body
    assert body.count('class="payment ') == 2


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (8000, "Tám nghìn đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (16000, "Mười sáu nghìn đồng"),
        (21000, "Hai mươi mốt nghìn đồng"),
        (105000, "Một trăm linh năm nghìn đồng"),
        (250000, "Hai trăm năm mươi nghìn đồng"),
        (1005000, "Một triệu không trăm linh năm nghìn đồng"),
        (2000000, "Hai triệu đồng"),
        (1234567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
        (3000000000, "Ba tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_the_paid_message_carries_the_e_receipt(
    client, trich_luc, desk, django_capture_on_commit_callbacks
):
    dossier = processing(trich_luc, desk)
    request_fee(dossier, desk, copies=2)
    order = PaymentOrder.objects.get()
    ipn(client, order, django_capture_on_commit_callbacks)
    email = Message.objects.get(channel="email", template="fee_paid")
    assert email.attachments == [{"provider": "fee_receipt", "id": order.pk}]
    name, content, mimetype = resolve(email.attachments[0])
    assert (name, mimetype) == (f"bien-lai-{dossier.code}-{order.txn_ref}.pdf", "application/pdf")
    text = " ".join(pdf_text(content).split())
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        f"Số biên lai (mã giao dịch): {order.txn_ref}",
        "Đơn vị thu: Phường Long Biên",
        "Người nộp: Nguyễn Văn An",
        f"Hồ sơ: {dossier.code} — Cấp bản sao Trích lục hộ tịch",
        "Phí cấp bản sao Trích lục hộ tịch 16.000",
        "Số tiền bằng chữ: Mười sáu nghìn đồng.",
        "Mã giao dịch VNPay: 14226112",
        "Thời điểm thanh toán: 10:30 ngày 08/12/2026",
    ):
        assert expected in text

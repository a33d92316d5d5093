"""The result sent by the public postal service: the item number recorded at the hand-over, what
the post reports of it, and what the citizen sees and is told."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import selectors, services
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.constants import PostalState
from dossiers.models import Dossier, PostalItem
from notifications.models import Message
from notifications.services import message_render
from officers.constants import Role
from tests.dossiers.factories import in_state, make_officer

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NUMBER = "EB123456789VN"


def resolved(catalogue, desk, *, delivery="post") -> Dossier:
    """A Long Biên dossier with its result ready at the desk, the citizen asking for `delivery`."""
    return in_state("resolved", catalogue, desk, delivery=delivery)


def send(dossier, officer, number=NUMBER):
    return services.dossier_return_result(
        dossier_id=dossier.pk, actor=officer, via="post", postal_item=number
    )


def state_of(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (
        dossier.status,
        dossier.returned_via,
        list(dossier.postal_items.values_list("number", "state")),
        dossier.events.count(),
        Message.objects.count(),
    )


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "postal_item"),
        ("EB12345678VN", "postal_item_format"),  # eight digits
        ("E1123456789VN", "postal_item_format"),
        ("EB123456789US", "postal_item_format"),
    ],
)
def test_a_result_sent_by_post_needs_a_valid_item_number(catalogue, desk, number, code):
    dossier = resolved(catalogue, desk)
    before = state_of(dossier)
    with pytest.raises(ValidationError) as error:
        send(dossier, desk["receiving"], number)
    assert error.value.code == code
    assert state_of(dossier) == before
    assert before[0] == S.RESOLVED


def test_the_hand_over_records_the_item_and_tells_the_citizen_its_number(catalogue, desk):
    dossier = resolved(catalogue, desk)
    moment = datetime.datetime(2026, 12, 8, 9, 30, tzinfo=HCM)
    with time_machine.travel(moment, tick=False):
        event = send(dossier, desk["receiving"], " eb 123 456 789 vn ")
    assert (event.action, event.from_status, event.to_status) == (
        A.RETURN_RESULT,
        S.RESOLVED,
        S.RETURNED,
    )
    item = PostalItem.objects.get()
    assert (item.dossier_id, item.number, item.state, item.sent_at, item.outcome_at) == (
        dossier.pk,
        NUMBER,
        PostalState.SENT,
        moment,
        None,
    )
    message = Message.objects.get(template="result_returned", channel="email")
    assert message.context["postal_item"] == NUMBER
    assert message.context["returned_via"] == "Qua dịch vụ bưu chính công ích"
    assert f"Số hiệu bưu gửi: {NUMBER}" in message_render(message)["text"]


def test_in_person_needs_no_item_number(catalogue, desk):
    dossier = resolved(catalogue, desk, delivery="in_person")
    services.dossier_return_result(dossier_id=dossier.pk, actor=desk["receiving"], via="in_person")
    assert PostalItem.objects.count() == 0
    message = Message.objects.get(template="result_returned", channel="email")
    assert message.context["postal_item"] == ""
    assert "Số hiệu bưu gửi" not in message_render(message)["text"]


def test_an_item_number_belongs_to_one_dossier(catalogue, desk):
    first, second = resolved(catalogue, desk), resolved(catalogue, desk)
    send(first, desk["receiving"])
    before = state_of(second)
    with pytest.raises(ValidationError) as error:
        send(second, desk["receiving"])
    assert error.value.code == "postal_item_taken"
    assert "EB123456789VN" in error.value.messages[0]
    assert state_of(second) == before


def test_delivered_is_recorded_without_a_message(catalogue, desk):
    dossier = resolved(catalogue, desk)
    send(dossier, desk["receiving"])
    messages_before = Message.objects.count()
    moment = datetime.datetime(2026, 12, 10, 15, 0, tzinfo=HCM)
    with time_machine.travel(moment, tick=False):
        event = services.dossier_record_postal_outcome(
            dossier_id=dossier.pk, actor=desk["receiving"], outcome=PostalState.DELIVERED
        )
    assert (event.action, event.from_status, event.to_status) == (
        A.POSTAL_OUTCOME,
        S.RETURNED,
        S.RETURNED,
    )
    assert event.note == "EB123456789VN: Đã phát thành công"
    item = PostalItem.objects.get()
    assert (item.state, item.outcome_at) == (PostalState.DELIVERED, moment)
    assert Message.objects.count() == messages_before
    # Nothing is on its way any more: a second report is refused and changes nothing.
    before = state_of(dossier)
    with pytest.raises(ValidationError) as error:
        services.dossier_record_postal_outcome(
            dossier_id=dossier.pk, actor=desk["receiving"], outcome=PostalState.RETURNED
        )
    assert error.value.code == "no_postal_item"
    assert state_of(dossier) == before


def test_a_returned_item_tells_the_citizen_where_to_collect(catalogue, desk):
    dossier = resolved(catalogue, desk)
    send(dossier, desk["receiving"])
    services.dossier_record_postal_outcome(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        outcome=PostalState.RETURNED,
        note="Không có người nhận",
    )
    assert PostalItem.objects.get().state == PostalState.RETURNED
    message = Message.objects.get(template="postal_returned", channel="email")
    assert (message.context["postal_item"], message.context["note"]) == (
        NUMBER,
        "Không có người nhận",
    )
    email = message_render(message)
    assert email["subject"].endswith(f"Bưu điện chuyển hoàn kết quả hồ sơ {dossier.code}")
    assert f"(số hiệu bưu gửi {NUMBER}) và đã chuyển hoàn về Phường Long Biên" in email["text"]
    assert "Không có người nhận" in email["text"] and "Không có người nhận" in email["html"]


@pytest.mark.parametrize("outcome", ["", "lost", PostalState.SENT])
def test_an_unknown_outcome_is_refused(catalogue, desk, outcome):
    dossier = resolved(catalogue, desk)
    send(dossier, desk["receiving"])
    with pytest.raises(ValidationError) as error:
        services.dossier_record_postal_outcome(
            dossier_id=dossier.pk, actor=desk["receiving"], outcome=outcome
        )
    assert error.value.code == "postal_outcome"
    assert PostalItem.objects.get().state == PostalState.SENT


def test_another_wards_or_provinces_officer_cannot_record_it(catalogue, desk):
    dossier = resolved(catalogue, desk)
    send(dossier, desk["receiving"])
    other_province = make_officer(
        "motcua.hatinh", Role.RECEIVING, agencies=[catalogue["bac_hong_linh"]]
    )
    for officer in (desk["other_ward"], other_province):
        with pytest.raises(ValidationError) as error:
            services.dossier_record_postal_outcome(
                dossier_id=dossier.pk, actor=officer, outcome=PostalState.DELIVERED
            )
        assert error.value.code == "not_found"
    assert PostalItem.objects.get().state == PostalState.SENT


def test_the_button_is_offered_only_for_a_result_sent_by_post(catalogue, desk):
    by_post, in_person = resolved(catalogue, desk), resolved(catalogue, desk, delivery="in_person")
    send(by_post, desk["receiving"])
    services.dossier_return_result(
        dossier_id=in_person.pk, actor=desk["receiving"], via="in_person"
    )
    officer = desk["receiving"]
    for dossier, expected in ((by_post, True), (in_person, False)):
        page = selectors.dossier_for_officer(user=officer, pk=dossier.pk)
        assert (A.POSTAL_OUTCOME in selectors.officer_actions(officer, page)) is expected
    page = selectors.dossier_for_officer(user=desk["specialist"], pk=by_post.pk)
    assert A.POSTAL_OUTCOME not in selectors.officer_actions(desk["specialist"], page)


def action_url(dossier, action):
    return reverse("admin:dossiers_dossier_action", args=[dossier.pk, action])


def test_the_officer_records_it_in_the_back_office(client, catalogue, desk):
    dossier = resolved(catalogue, desk)
    client.force_login(desk["receiving"])
    # Post chosen, number missing: the form says so and keeps what was typed.
    page = client.post(action_url(dossier, A.RETURN_RESULT), {"via": "post", "note": "Gửi EMS"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "Vui lòng nhập số hiệu bưu gửi khi trả kết quả qua bưu chính." in body
    assert "Gửi EMS" in body
    assert Dossier.objects.get(pk=dossier.pk).status == S.RESOLVED
    page = client.post(
        action_url(dossier, A.RETURN_RESULT), {"via": "post", "postal_item": "EB 1234"}
    )
    assert (
        "Số hiệu bưu gửi gồm 2 chữ cái, 9 chữ số và “VN”, ví dụ EB123456789VN."
        in page.content.decode()
    )

    page = client.post(action_url(dossier, A.RETURN_RESULT), {"via": "post", "postal_item": NUMBER})
    assert page.status_code == 302
    detail = client.get(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    ).content.decode()
    assert f"<strong>{NUMBER}</strong> · Đã giao cho bưu chính" in detail
    assert "Ghi nhận kết quả phát bưu chính" in detail

    page = client.post(action_url(dossier, A.POSTAL_OUTCOME), {"outcome": "delivered"})
    assert page.status_code == 302
    detail = client.get(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    ).content.decode()
    assert f"<strong>{NUMBER}</strong> · Đã phát thành công" in detail


def test_the_citizen_sees_the_number_after_the_second_factor(client, catalogue, desk):
    dossier = resolved(catalogue, desk)
    send(dossier, desk["receiving"])
    assert client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").status_code == 404
    client.post("/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": dossier.applicant_phone})
    body = client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()
    assert f"Số hiệu bưu gửi: <strong>{NUMBER}</strong> · Đã giao cho bưu chính" in body
    # The public progress page names no item number.
    assert NUMBER not in client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()

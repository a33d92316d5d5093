"""The back-office pages of the leader's approval, recall and end: exactly the buttons each role
may press, the leaders' queue, the draft's file, and the action pages' queries pinned."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from dossiers.uploads import inspect
from officers.constants import Role
from procedures.selectors import procedure_parts
from tests.dossiers.factories import in_state, make_officer
from tests.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db

NEW_ACTIONS = ["propose", "approve", "send_back", "recall", "end"]


def url(name, *args):
    return reverse(f"admin:dossiers_dossier_{name}", args=args)


def propose(dossier, desk, **kwargs):
    draft = inspect(SimpleUploadedFile("du-thao.pdf", PDF_BYTES), max_mb=10)
    services.dossier_propose(
        dossier_id=dossier.pk, actor=desk["specialist"], draft_file=draft, **kwargs
    )


def buttons(client, user, dossier) -> set[str]:
    """The actions whose buttons `user` sees on the dossier's page."""
    client.force_login(user)
    body = client.get(url("change", dossier.pk)).content.decode()
    pattern = rf'href="/quan-tri/dossiers/dossier/{dossier.pk}/thao-tac/([a-z_]+)/"'
    return set(re.findall(pattern, body))


def test_each_role_sees_exactly_its_buttons_along_the_approval(client, catalogue, desk):
    dossier = in_state("processing", catalogue, desk)
    # With the specialist: they propose; the leader may sign directly; nobody approves yet.
    assert buttons(client, desk["specialist"], dossier) & {*NEW_ACTIONS, "resolve"} == {"propose"}
    assert buttons(client, desk["leader"], dossier) & {*NEW_ACTIONS, "resolve"} == {"resolve"}
    # The desk forwarded it last: it may take that back while the department has not acted.
    assert buttons(client, desk["receiving"], dossier) & {*NEW_ACTIONS, "resolve"} == {"recall"}

    propose(dossier, desk)
    assert buttons(client, desk["leader"], dossier) & {*NEW_ACTIONS, "resolve"} == {
        "approve",
        "send_back",
    }
    # The author may take the proposal back; nobody else may.
    assert buttons(client, desk["specialist"], dossier) & {*NEW_ACTIONS, "resolve"} == {"recall"}
    assert buttons(client, desk["receiving"], dossier) & {*NEW_ACTIONS, "resolve"} == set()

    services.dossier_send_back(dossier_id=dossier.pk, actor=desk["leader"], reason="Sai tên")
    assert buttons(client, desk["specialist"], dossier) & set(NEW_ACTIONS) == {"propose"}
    assert buttons(client, desk["leader"], dossier) & set(NEW_ACTIONS) == set()


def test_end_button_for_the_desk_and_the_leader_while_the_citizen_is_awaited(
    client, catalogue, desk
):
    dossier = in_state("supplement_requested", catalogue, desk)
    assert "end" in buttons(client, desk["receiving"], dossier)
    assert "end" in buttons(client, desk["leader"], dossier)
    assert "end" not in buttons(client, desk["specialist"], dossier)
    assert "end" not in buttons(client, desk["leader"], in_state("processing", catalogue, desk))


def test_a_typed_url_of_a_button_not_shown_changes_nothing(client, catalogue, desk):
    dossier = in_state("processing", catalogue, desk)
    propose(dossier, desk)
    client.force_login(desk["specialist"])  # the proposer does not approve their own draft
    response = client.post(url("action", dossier.pk, "approve"), {"note": ""})
    assert response.status_code == 302
    client.force_login(desk["receiving"])  # not the author: no recall
    response = client.post(url("action", dossier.pk, "recall"), {"note": ""})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).awaiting_approval


def test_the_leaders_queue_and_the_proposal_on_the_page(client, catalogue, desk):
    dossier = in_state("processing", catalogue, desk)
    propose(dossier, desk, note="Kính trình ký")
    client.force_login(desk["leader"])
    index = client.get(reverse("admin:index")).content.decode()
    assert (
        '<span class="queue-label">Chờ lãnh đạo phê duyệt</span> <span class="queue-count">1</span>'
        in index
    )
    listed = client.get(url("changelist"), {"hang_doi": "cho-phe-duyet"}).context["cl"]
    assert [d.pk for d in listed.result_list] == [dossier.pk]
    page = client.get(url("change", dossier.pk)).content.decode()
    assert 'id="awaiting-approval"' in page and "Kính trình ký" in page
    approve_page = client.get(url("action", dossier.pk, "approve")).content.decode()
    proposal = Dossier.objects.get(pk=dossier.pk).pending_proposal
    assert url("draft", dossier.pk, proposal.pk) in approve_page
    response = client.get(url("draft", dossier.pk, proposal.pk))
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_another_wards_officer_reaches_no_draft_and_no_new_action(client, catalogue, desk):
    dossier = in_state("processing", catalogue, desk)
    propose(dossier, desk)
    proposal = Dossier.objects.get(pk=dossier.pk).pending_proposal
    outsider = make_officer("lanhdao.hadong", Role.LEADER, agencies=[catalogue["ha_dong"]])
    client.force_login(outsider)
    assert client.get(url("draft", dossier.pk, proposal.pk)).status_code == 404
    for action in NEW_ACTIONS:
        assert client.get(url("action", dossier.pk, action)).status_code == 404
        assert client.post(url("action", dossier.pk, action), {"note": "x"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).awaiting_approval
    # A draft of another dossier is not found under this one's address.
    other = in_state("processing", catalogue, desk)
    client.force_login(desk["leader"])
    assert client.get(url("draft", other.pk, proposal.pk)).status_code == 404


# --- Query counts -------------------------------------------------------------------------
# Each page: the session, the user, their roles, their scope (paths, ids), the dossier with its
# prefetched parts (procedure's fields and documents, documents, events, supplements,
# proposals, notes), and what the form or the service needs. None grows with the history or
# the number of officers: the second measure runs on a dossier with more of both.


def setting(action, catalogue, desk):
    """The dossier, the officer and the form data of `action`'s page."""
    if action == "end":
        return (
            in_state("supplement_requested", catalogue, desk),
            desk["receiving"],
            {"note": "Quá hạn bổ sung"},
        )
    dossier = in_state("processing", catalogue, desk)
    if action == "propose":
        return dossier, desk["specialist"], {"note": "Kính trình"}
    propose(dossier, desk)
    if action == "recall":
        return dossier, desk["specialist"], {"note": ""}
    return dossier, desk["leader"], {"note": "Đồng ý" if action == "approve" else "Sai tên"}


def grow(dossier, catalogue, desk, action):
    """More history (two proposals sent back) and more leaders and specialists in the ward."""
    for n in range(3):
        make_officer(f"lanhdao{n}", Role.LEADER, agencies=[catalogue["long_bien"]])
    awaiting = Dossier.objects.get(pk=dossier.pk).awaiting_approval
    if dossier.status != S.PROCESSING:
        return
    if awaiting:
        services.dossier_recall(dossier_id=dossier.pk, actor=desk["specialist"])
    for _ in range(2):
        propose(dossier, desk)
        services.dossier_send_back(dossier_id=dossier.pk, actor=desk["leader"], reason="Sửa")
    if awaiting:
        propose(dossier, desk)


def post_data(action, data):
    if action == "propose":
        return {**data, "result": SimpleUploadedFile("du-thao.pdf", PDF_BYTES), "leader": ""}
    return data


# (GET, POST) queries of each action's page. GET: session, user, scope paths and ids, the
# dossier and its 7 prefetched parts, roles, the admin's 2 permission reads: 15, and the list of
# the ward's leaders for a proposal. POST: the same 13 before the form, then the savepoint, the
# locked dossier, its scope, and the action's own writes: the proposal row, the "đã bổ sung"
# queue, the dossier, the event (propose); the proposal, the desk officer who accepted, the
# queue, the dossier, the event, the citizen's message and its documents (approve; the
# procedure's parts come from the worker's cache); the proposal, the dossier, the event (send
# back); the last two events, the proposal, the dossier, the event (recall); the supplement
# request, the dossier, the event, the message and its documents (end).
QUERIES = {
    "propose": (16, 21),
    "approve": (15, 24),
    "send_back": (15, 20),
    "recall": (15, 21),
    "end": (15, 22),
}


@pytest.mark.parametrize("action", NEW_ACTIONS)
def test_action_pages_queries_are_pinned(
    client, catalogue, desk, action, django_assert_num_queries, django_capture_on_commit_callbacks
):
    get_count, post_count = QUERIES[action]
    for grown in (False, True):
        dossier, user, data = setting(action, catalogue, desk)
        if grown:
            grow(dossier, catalogue, desk, action)
        client.force_login(user)
        client.get(url("change", dossier.pk))  # the session and the cached counts warmed
        procedure_parts(dossier.procedure)  # as every worker keeps them, once read
        with django_assert_num_queries(get_count):
            response = client.get(url("action", dossier.pk, action))
        assert response.status_code == 200
        with (
            django_capture_on_commit_callbacks(execute=False),
            django_assert_num_queries(post_count),
        ):
            response = client.post(url("action", dossier.pk, action), post_data(action, data))
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert Dossier.objects.get(pk=dossier.pk).events.last().action == action

"""Inter-agency processing (liên thông, issue 14): the provincial service centre receives a
dossier, a Sở resolves it, the centre returns the result."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import selectors, services, slips
from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from dossiers.models import Dossier
from dossiers.uploads import inspect
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


def result_pdf():
    return inspect(SimpleUploadedFile("giay-phep.pdf", PDF_BYTES), max_mb=10)


def reload(dossier) -> Dossier:
    return Dossier.objects.select_related("resolving_agency").get(pk=dossier.pk)


@pytest.fixture
def forwarded(province):
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    services.dossier_forward_agency(
        dossier_id=dossier.pk, actor=province["desk"], note="Liên thông"
    )
    return reload(dossier)


def test_the_desk_forwards_to_the_provinces_resolving_agency(forwarded, province):
    assert forwarded.resolving_agency == province["culture"]  # Hà Nội's, not Hà Tĩnh's
    assert forwarded.at_resolving_agency and forwarded.holder == province["culture"]
    assert forwarded.status == S.PROCESSING
    event = forwarded.events.last()
    assert (event.action, event.agency) == (A.FORWARD_AGENCY, province["culture"])


def test_the_resolving_agency_sees_it_and_no_other_does(forwarded, province):
    def sees(user):
        return selectors.dossiers_visible(user).filter(pk=forwarded.pk).exists()

    assert sees(province["specialist"]) and sees(province["leader"]) and sees(province["desk"])
    assert not sees(province["other_province"]) and not sees(province["health_officer"])
    counts = {
        q["slug"]: q["count"]
        for q in selectors.dossier_queue_counts_cached(user=province["specialist"])
    }
    assert counts["dang-xu-ly"] == 1


def test_only_the_holder_acts_then_the_result_comes_back_to_the_desk(forwarded, province):
    # The desk sees the dossier at the Sở but does not act on it while it is there; it may only
    # take back its own forward, until the Sở acts.
    assert selectors.officer_actions(province["desk"], forwarded) == [A.RECALL]
    with pytest.raises(ValidationError) as error:
        services.dossier_return_result(
            dossier_id=forwarded.pk, actor=province["desk"], via="in_person"
        )
    assert error.value.code == "not_holder"
    with pytest.raises(ValidationError) as error:
        services.dossier_resolve(
            dossier_id=forwarded.pk, actor=province["other_province"], result_file=result_pdf()
        )
    assert error.value.code == "not_found"
    assert A.RESOLVE in selectors.officer_actions(province["leader"], forwarded)
    services.dossier_resolve(
        dossier_id=forwarded.pk, actor=province["leader"], result_file=result_pdf()
    )
    resolved = reload(forwarded)
    assert (resolved.status, resolved.at_resolving_agency) == (S.RESOLVED, False)
    assert resolved.holder == province["centre"]
    # The Sở no longer acts; the desk returns the result.
    assert selectors.officer_actions(province["leader"], resolved) == []
    services.dossier_return_result(dossier_id=forwarded.pk, actor=province["desk"], via="in_person")
    returned = reload(forwarded)
    assert returned.status == S.RETURNED
    rows = slips.control_rows(returned)
    assert [(r["event"].action, r["from"], r["to"]) for r in rows] == [
        (A.ACCEPT, "Công dân", province["centre"].name),
        (A.FORWARD_AGENCY, province["centre"].name, province["culture"].name),
        (A.RESOLVE, province["culture"].name, province["centre"].name),
        (A.RETURN_RESULT, province["centre"].name, province["centre"].name),
    ]


def test_the_resolving_agency_can_send_it_back_to_the_desk(forwarded, province):
    services.dossier_return_previous(
        dossier_id=forwarded.pk, actor=province["specialist"], note="Thiếu hợp đồng thuê"
    )
    back = reload(forwarded)
    assert not back.at_resolving_agency and back.holder == province["centre"]
    assert back.current_department is None


def test_no_forward_when_the_receiving_agency_resolves_it(catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    assert A.FORWARD_AGENCY not in selectors.officer_actions(desk["receiving"], reload(dossier))
    with pytest.raises(ValidationError) as error:
        services.dossier_forward_agency(dossier_id=dossier.pk, actor=desk["receiving"])
    assert error.value.code == "no_resolving_agency"
    assert reload(dossier).resolving_agency is None


def test_forward_is_offered_to_the_desk_once(province):
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    assert A.FORWARD_AGENCY in selectors.officer_actions(province["desk"], reload(dossier))
    for officer in ("specialist", "leader"):
        assert selectors.officer_actions(province[officer], reload(dossier)) == []


def test_the_desk_takes_back_its_forward_until_the_resolving_agency_acts(forwarded, province):
    services.dossier_recall(dossier_id=forwarded.pk, actor=province["desk"], note="Nhầm thủ tục")
    back = reload(forwarded)
    assert (back.resolving_agency, back.at_resolving_agency, back.status) == (
        None,
        False,
        S.ACCEPTED,
    )
    assert not selectors.dossiers_visible(province["specialist"]).filter(pk=back.pk).exists()
    services.dossier_forward_agency(dossier_id=back.pk, actor=province["desk"])
    services.dossier_assign(
        dossier_id=back.pk, actor=province["leader"], assignee=province["specialist"]
    )
    with pytest.raises(ValidationError) as error:
        services.dossier_recall(dossier_id=back.pk, actor=province["desk"])
    assert error.value.code == "not_recallable"
    assert reload(back).at_resolving_agency


@pytest.mark.parametrize(
    ("who", "code"), [("leader", "not_found"), ("other_province", "not_found")]
)
def test_only_the_desk_forwards_to_the_resolving_agency(province, who, code):
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    with pytest.raises(ValidationError) as error:
        services.dossier_forward_agency(dossier_id=dossier.pk, actor=province[who])
    assert error.value.code == code
    assert reload(dossier).resolving_agency is None


def test_a_specialist_of_the_desk_cannot_forward_to_the_resolving_agency(province):
    from officers.constants import Role
    from tests.dossiers.factories import make_officer

    specialist = make_officer("chuyenvien.ttpvhcc", Role.SPECIALIST, agencies=[province["centre"]])
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    with pytest.raises(ValidationError) as error:
        services.dossier_forward_agency(dossier_id=dossier.pk, actor=specialist)
    assert error.value.code == "forbidden"


def test_the_forward_page_names_the_destination_in_a_fixed_number_of_queries(
    client, province, django_assert_num_queries
):
    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    client.force_login(province["desk"])
    url = f"/quan-tri/dossiers/dossier/{dossier.pk}/thao-tac/forward_agency/"
    client.get(url)
    # Session, user, scope (2), the dossier and its seven prefetches, roles, the destination
    # (read once for the rule and the form), the admin's two permission reads: 16 whatever the
    # dossier's history.
    with django_assert_num_queries(16):
        response = client.get(url)
    assert "Hồ sơ được chuyển đến: Sở Văn hóa và Thể thao Thành phố Hà Nội." in (
        response.content.decode()
    )


def where(queryset) -> str:
    return str(queryset.query).split(" WHERE ", 1)[1]


def test_the_scope_reads_the_resolving_agency_only_once_a_dossier_was_forwarded_to_it(province):
    def visible(user):
        # A new request's user: the scope is read once per request.
        return selectors.dossiers_visible(type(user).objects.get(pk=user.pk))

    dossier = submitted(province["karaoke"], province["centre"])
    services.dossier_accept(dossier_id=dossier.pk, actor=province["desk"])
    # Nothing was ever forwarded to the Sở: its scope is what it receives, a condition that
    # counts read from an index alone (no OR on the resolving agency: docs/benchmarks.md).
    before = visible(province["specialist"])
    assert "resolving_agency_id" not in where(before)
    assert list(before) == []
    services.dossier_forward_agency(dossier_id=dossier.pk, actor=province["desk"])
    after = visible(province["specialist"])
    assert "resolving_agency_id" in where(after)
    assert list(after.values_list("pk", flat=True)) == [dossier.pk]
    # The centre received it, and nothing is forwarded to it; the other Sở sees nothing.
    desk = visible(province["desk"])
    assert "resolving_agency_id" not in where(desk)
    assert list(desk.values_list("pk", flat=True)) == [dossier.pk]
    assert list(visible(province["health_officer"])) == []


def test_the_resolving_agencys_list_in_a_fixed_number_of_queries(
    client, forwarded, province, django_assert_num_queries
):
    client.force_login(province["specialist"])
    url = "/quan-tri/dossiers/dossier/"
    client.get(url)  # the session, the counts and the list's total kept
    # Session, user, roles, scope (paths, then ids with what was forwarded: one query), the
    # page, the filters' agencies, the permissions: the counts and the total are kept.
    with django_assert_num_queries(9) as queries:
        response = client.get(url)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert [d.code for d in response.context["cl"].result_list] == [forwarded.code]
    counts = {q["slug"]: q["count"] for q in response.context["queues"]}
    assert (counts["dang-xu-ly"], counts["cho-tiep-nhan"]) == (1, 0)

import datetime
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction

from dossiers import receipts, services
from dossiers.codes import dossier_code_allocate
from dossiers.constants import DossierStatus
from dossiers.models import Dossier, DossierSequence, Draft, DraftFile
from dossiers.services import intake
from notifications.models import Message
from tests.dossiers.factories import complete_draft
from tests.pdf import pdf_text

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_codes_count_per_agency_and_restart_each_day(catalogue):
    long_bien, ha_dong = catalogue["long_bien"], catalogue["ha_dong"]
    day, next_day = datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)
    with transaction.atomic():
        codes = [
            dossier_code_allocate(agency=long_bien, day=day),
            dossier_code_allocate(agency=long_bien, day=day),
            dossier_code_allocate(agency=ha_dong, day=day),
            dossier_code_allocate(agency=long_bien, day=next_day),
        ]
    assert codes == [
        "000.01.00.H26-261123-0001",
        "000.01.00.H26-261123-0002",
        "000.02.00.H26-261123-0001",
        "000.01.00.H26-261124-0001",
    ]


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back(catalogue):
    agency, day = catalogue["long_bien"], datetime.date(2026, 11, 23)
    with transaction.atomic():
        dossier_code_allocate(agency=agency, day=day)
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_code_allocate(agency=agency, day=day)
        raise RuntimeError("rollback")
    with transaction.atomic():
        assert dossier_code_allocate(agency=agency, day=day).endswith("-0002")


@pytest.mark.django_db(transaction=True)
def test_codes_must_be_allocated_inside_a_transaction(catalogue):
    with pytest.raises(RuntimeError):
        dossier_code_allocate(agency=catalogue["long_bien"], day=datetime.date(2026, 1, 1))


@pytest.mark.django_db
def test_submit_at_a_known_time_sets_code_and_date_and_no_due_date_yet(catalogue):
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"])
    with time_machine.travel(datetime.datetime(2026, 2, 13, 16, 5, tzinfo=HCM), tick=False):
        dossier = services.dossier_submit(draft_token=draft.token)
    assert dossier.code == "000.01.00.H26-260213-0001"
    # The clock starts when the desk accepts the dossier (dossiers.deadlines.start).
    assert dossier.due_at is None and dossier.appointment_at is None
    assert dossier.status == DossierStatus.NEW


@pytest.mark.django_db
def test_incomplete_draft_is_refused_and_writes_nothing(catalogue):
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"], declaration={})
    with pytest.raises(ValidationError) as error:
        services.dossier_submit(draft_token=draft.token)
    assert "Chưa nhập “Họ, chữ đệm, tên”." in error.value.messages
    assert not Dossier.objects.exists()
    assert not DossierSequence.objects.exists()
    assert not Message.objects.exists()
    assert DraftFile.objects.count() == 2


@pytest.mark.django_db
def test_submitting_a_draft_that_is_gone_is_refused():
    with pytest.raises(ValidationError) as error:
        services.dossier_submit(draft_token=uuid.uuid4())
    assert error.value.code == "not_found"


@pytest.mark.django_db
def test_a_submission_reads_the_draft_once_and_writes_in_one_transaction(
    catalogue, django_assert_num_queries
):
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"])
    # The draft (locked) with its declaration fields, documents and files; the dossier, its
    # documents, the draft's files deleted, the event, the draft's link, the code (one upsert),
    # the code saved, the outbox message. Nothing is read back. (Plus a savepoint and its release:
    # the test runs inside a transaction.)
    with django_assert_num_queries(4 + 8 + 2):
        dossier = services.dossier_submit(draft_token=draft.token)
    # The summary built from the documents just written is the one read back from the database.
    summary = receipts.dossier_summary(Dossier.objects.get())
    assert summary["originals"] and Message.objects.get().context == summary
    with django_assert_num_queries(2 + 2):  # a replay: the draft, then the dossier it links to
        assert services.dossier_submit(draft_token=draft.token) == dossier


@pytest.mark.django_db
def test_a_failure_inside_submission_rolls_everything_back(catalogue, monkeypatch):
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"])

    def broken(**kwargs):
        raise ConnectionError("outbox unavailable")

    monkeypatch.setattr(intake, "dossier_notify", broken)
    with pytest.raises(ConnectionError):
        services.dossier_submit(draft_token=draft.token)
    assert not Dossier.objects.exists()
    assert DraftFile.objects.count() == 2
    assert Draft.objects.get().dossier_id is None


@pytest.mark.django_db
def test_expired_drafts_and_their_files_are_purged(catalogue, django_capture_on_commit_callbacks):
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"])
    kept = complete_draft(catalogue["khai_sinh"], catalogue["ha_dong"])
    names = list(draft.files.values_list("file", flat=True))
    Draft.objects.filter(pk=draft.pk).update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=HCM))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.drafts_purge_expired() == 1
    assert list(Draft.objects.all()) == [kept]
    assert not any(default_storage.exists(name) for name in names)
    assert all(default_storage.exists(f.file.name) for f in kept.files.all())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_never_share_a_code(catalogue):
    agency = catalogue["long_bien"]
    drafts = [
        complete_draft(catalogue["khai_sinh"], agency, session_key=f"s{i}") for i in range(50)
    ]
    # The pool's 10 threads each take one of the first 10 drafts and start them together; the
    # other 40 follow on the same threads. (A barrier spread over all 50 timed out on a slow host:
    # each submission also sends its email with the receipt, in-process here.)
    start = threading.Barrier(10)
    first = {draft.pk for draft in drafts[:10]}

    def submit(draft):
        try:
            if draft.pk in first:
                start.wait(timeout=30)
            return services.dossier_submit(draft_token=draft.token).code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(submit, drafts))
    assert len(set(codes)) == 50
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 51))
    assert Dossier.objects.count() == 50
    assert DossierSequence.objects.get(agency=agency).last == 50


@pytest.mark.django_db
def test_usage_counts_follow_the_last_year_of_dossiers(catalogue):
    for _ in range(3):
        services.dossier_submit(
            draft_token=complete_draft(catalogue["khai_sinh"], catalogue["long_bien"]).token
        )
    old = services.dossier_submit(
        draft_token=complete_draft(catalogue["khai_sinh"], catalogue["ha_dong"]).token
    )
    Dossier.objects.filter(pk=old.pk).update(submitted_at=datetime.datetime(2020, 1, 1, tzinfo=HCM))
    services.procedures_refresh_usage()
    catalogue["khai_sinh"].refresh_from_db()
    catalogue["chung_thuc"].refresh_from_db()
    assert catalogue["khai_sinh"].usage_count == 3
    assert catalogue["chung_thuc"].usage_count == 0


def test_beat_runs_the_maintenance_tasks():
    from portal.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks.py
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "dossiers.tasks.drafts_purge_expired",
        "dossiers.tasks.procedures_refresh_usage",
        "dossiers.tasks.captchas_purge_expired",
    } <= tasks
    assert set(tasks) <= set(app.tasks)


def draft_with(catalogue, documents):
    """A complete draft of the birth registration with files for `documents` only."""
    draft = complete_draft(catalogue["khai_sinh"], catalogue["long_bien"])
    draft.files.exclude(document__in=documents).delete()
    return draft


@pytest.mark.django_db
def test_an_alternative_group_with_nothing_attached_is_named_as_a_whole(
    catalogue, birth_alternatives
):
    draft = draft_with(catalogue, [birth_alternatives["declaration"]])
    assert services.draft_problems(draft=draft) == {
        "giay-to": [
            "Chưa đính kèm một trong các giấy tờ: “Giấy chứng sinh”, “Văn bản của người làm "
            "chứng xác nhận về việc sinh” hoặc “Giấy cam đoan về việc sinh”."
        ]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("attached", ["certificate", "witness", "commitment"])
def test_any_one_document_of_an_alternative_group_will_do(catalogue, birth_alternatives, attached):
    draft = draft_with(catalogue, [birth_alternatives[attached]])
    assert services.draft_problems(draft=draft) == {}


@pytest.mark.django_db
def test_the_online_declaration_is_not_a_required_upload(catalogue, birth_alternatives):
    draft = draft_with(catalogue, [birth_alternatives["witness"]])
    assert not draft.files.filter(document=birth_alternatives["declaration"]).exists()
    assert services.draft_problems(draft=draft) == {}
    # Without an online form the citizen has nothing to fill in: the paper declaration is an
    # upload again.
    catalogue["khai_sinh"].form_fields.all().delete()
    draft = Draft.objects.get(pk=draft.pk)
    assert services.draft_problems(draft=draft) == {
        "giay-to": ["Chưa đính kèm “Tờ khai đăng ký khai sinh”."]
    }


@pytest.mark.django_db
def test_a_dossier_with_the_witness_statement_lists_what_was_sent(catalogue, birth_alternatives):
    draft = draft_with(catalogue, [birth_alternatives["witness"]])
    dossier = services.dossier_submit(draft_token=draft.token)
    assert list(dossier.documents.values_list("document_name", flat=True)) == [
        "Văn bản của người làm chứng xác nhận về việc sinh"
    ]
    # The confirmation's table: the declaration filled online, then the document attached.
    text = " ".join(pdf_text(receipts.render_confirmation(dossier)).split())
    assert (
        "1 Tờ khai đăng ký khai sinh — "
        "2 Văn bản của người làm chứng xác nhận về việc sinh 1 "
        "Trạng thái"
    ) in text
    assert "Giấy chứng sinh" not in text
    # Mẫu 01's, once the desk has accepted it.
    Dossier.objects.filter(pk=dossier.pk).update(received_at=dossier.submitted_at)
    dossier.refresh_from_db()
    text = " ".join(pdf_text(receipts.render_receipt(dossier)).split())
    assert (
        "1 Tờ khai đăng ký khai sinh Tờ khai điện tử — "
        "2 Văn bản của người làm chứng xác nhận về việc sinh Bản chính 1 "
        "Số lượng hồ sơ"
    ) in text
    assert "Giấy chứng sinh" not in text


@pytest.mark.django_db
def test_a_file_for_the_online_declaration_is_counted_on_its_row(catalogue, birth_alternatives):
    """A supplement may bring the signed paper declaration as a file: the declaration's row then
    counts it (it printed "—" and adding a file to it was a 500)."""
    draft = draft_with(catalogue, [birth_alternatives["witness"]])
    dossier = services.dossier_submit(draft_token=draft.token)
    dossier.documents.create(
        document=birth_alternatives["declaration"],
        document_name="Tờ khai đăng ký khai sinh",
        file="uploads/to-khai-ky.pdf",
        original_name="to-khai-ky.pdf",
        content_type="application/pdf",
        size=100,
    )
    text = " ".join(pdf_text(receipts.render_confirmation(dossier)).split())
    assert "1 Tờ khai đăng ký khai sinh 1 2 Văn bản của người làm chứng" in text
    Dossier.objects.filter(pk=dossier.pk).update(received_at=dossier.submitted_at)
    dossier.refresh_from_db()
    text = " ".join(pdf_text(receipts.render_receipt(dossier)).split())
    assert "1 Tờ khai đăng ký khai sinh Tờ khai điện tử 1 2 Văn bản" in text


@pytest.mark.django_db
def test_legacy_agencies_take_no_new_dossiers(catalogue, legacy_agency):
    draft = complete_draft(catalogue["khai_sinh"], None)
    with pytest.raises(ValidationError) as error:
        services.draft_set_agency(draft=draft, agency=legacy_agency)
    assert error.value.code == "agency"
    catalogue["khai_tu"].level = 3
    catalogue["khai_tu"].save()
    catalogue["khai_tu"].receiving_agencies.add(legacy_agency)
    # Long Biên is the only active agency receiving it: the draft starts there.
    draft = services.draft_start(session_key="s", procedure=catalogue["khai_tu"])
    assert draft.agency == catalogue["long_bien"]

"""Property tests: whatever reaches a wizard step, never a 500, a partial dossier or an orphan."""

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dossiers.models import Dossier, DossierDocument, DraftFile
from tests.dossiers.helpers import fill_until_review, start, step_url

pytestmark = pytest.mark.django_db

FIELD_NAMES = [
    "co_quan",
    "ho_ten",
    "gioi_tinh",
    "ngay_sinh",
    "email",
    "dien_thoai",
    "dia_chi",
    "nhan_ket_qua",
    "tiep_tuc",
    "tai_len",
    "captcha_0",
    "captcha_1",
    "tep_1",
    "tep_2",
    "tep_999",
]
text = st.text(max_size=300) | st.sampled_from(
    ["", "0", "-1", "9" * 40, "2999-02-30", "000.01.00.H26", "in_person", "Nữ", "\x00", "<script>"]
)
garbage_form = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(min_size=1, max_size=20), text, max_size=10
)
garbage_files = st.lists(
    st.tuples(
        st.sampled_from(["tep_1", "tep_2", "tep_999", "x"]),
        # Any name the test client can send (it refuses separators itself, before any request).
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"),
            max_size=40,
        ).map(lambda name: "t" + name),
        st.binary(max_size=200)
        | st.sampled_from([b"%PDF-1.4 tiny", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04broken", b""]),
    ),
    max_size=3,
)
STEPS = ["co-quan", "to-khai", "giay-to", "lien-he", "xem-lai", "khong-co"]

PROPERTY = hypothesis_settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def stored_files() -> set[str]:
    root = settings.MEDIA_ROOT / "uploads"
    if not root.exists():
        return set()
    return {
        str(path.relative_to(settings.MEDIA_ROOT)) for path in root.rglob("*") if path.is_file()
    }


def referenced_files() -> set[str]:
    return set(DraftFile.objects.values_list("file", flat=True)) | set(
        DossierDocument.objects.values_list("file", flat=True)
    )


@PROPERTY
@given(step=st.sampled_from(STEPS), data=garbage_form, files=garbage_files)
def test_garbage_to_any_step(catalogue, step, data, files):
    client = Client(raise_request_exception=False)
    location = start(client, "1.001193")
    payload = dict(data)
    for field, name, content in files:
        payload.setdefault(field, [])
        if isinstance(payload[field], list):
            payload[field].append(SimpleUploadedFile(name, content))
    response = client.post(step_url(location, step), payload)
    assert response.status_code < 500
    assert not Dossier.objects.exists()
    assert stored_files() == referenced_files()


@PROPERTY
@given(data=garbage_form)
def test_garbage_captcha_never_submits(catalogue, data):
    client = Client(raise_request_exception=False)
    review = fill_until_review(client, catalogue)
    response = client.post(review, data)
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert stored_files() == referenced_files()


@PROPERTY
@given(path=st.text(max_size=60))
def test_garbage_urls_are_404_not_500(catalogue, path):
    client = Client(raise_request_exception=False)
    for url in [f"/thu-tuc/{path}/nop-ho-so/", f"/ho-so/{path}/da-nop/", f"/tra-cuu/?ma={path}"]:
        try:
            response = client.get(url)
        except ValueError:  # the test client refuses some characters before any request is made
            continue
        # 429: the lookup's rate limit, which this many lookups from one address reach.
        assert response.status_code in (200, 301, 404, 409, 429), (url, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/thu-tuc/1.001193%00/",
        "/thu-tuc/1.001193%00/nop-ho-so/",
        "/ho-so/000.01.00.H26-260101-0001%00/da-nop/",
        "/tra-cuu/000.01.00.H26-260101-0001%00/chi-tiet/",
    ],
)
def test_nul_in_a_code_is_a_404(client, catalogue, url):
    # Found by the property test on PostgreSQL, which refuses NUL in a query (a 500 before).
    assert client.get(url).status_code == 404

"""Shared fixtures. Integration tests run when their service is configured; with
REQUIRE_SERVICES=1 a missing service fails the run instead of skipping."""

import os
import shutil

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="MOMENT",
        help="run the whole session with the clock moved to this ISO moment, ticking on "
        "(e.g. 2026-12-01T22:30:00+00:00): checks that no test depends on the hour it runs at",
    )


def pytest_configure(config):
    moment = config.getoption("--clock")
    if moment:
        import time_machine

        # Started here, before any test module is imported, so every reader of the clock sees it;
        # time.sleep and the monotonic clocks are left alone.
        config._clock_traveller = time_machine.travel(moment, tick=True)
        config._clock_traveller.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_clock_traveller", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    moment = config.getoption("--clock")
    return f"clock moved to {moment}" if moment else None


# Tests serve static files from the source folders; the hashed manifest exists only after
# `collectstatic`, which deployments (and the benchmark) run.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests speak plain HTTP; deployments terminate TLS and keep the redirect on. Set before the live
# server builds its middleware, which reads it once.
settings.SECURE_SSL_REDIRECT = False


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_markers(request):
    postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if request.node.get_closest_marker("postgres") and not postgres:
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    if request.node.get_closest_marker("redis") and not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set")


@pytest.fixture(autouse=True)
def _test_settings(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "emails"
    # Links and QR codes point here unless a test says otherwise (core.siteurl).
    settings.SITE_URL = "https://dichvucong.test"
    # Officers sign in with a password alone unless the test is about two-factor (which
    # tests/officers/ switches on, as DEBUG=0 deployments have it).
    settings.OTP_REQUIRED = False
    # Sessions as deployments with Redis read them (core.sessions), with or without REDIS_URL:
    # in the one test process the local-memory cache keeps the copies coherent, and query counts
    # are the same in both of CI's runs.
    settings.SESSION_ENGINE = "core.sessions"


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Run tasks in-process after commit even when REDIS_URL is set, as the embedded default does.

    Tests of the real broker and worker (tests/notifications/test_worker.py) override this.
    """
    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _cache():
    from django.core.cache import caches

    from tracking import throttle

    for name in ("default", "local"):
        caches[name].clear()
    throttle.reset()
    yield
    for name in ("default", "local"):
        caches[name].clear()
    throttle.reset()


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by tests and the
    # live server around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, request, **context_options):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", accept_downloads=True, **context_options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "pageerror", lambda error: request.node.__dict__.setdefault("js_errors", []).append(error)
    )
    # Chromium reports each Content-Security-Policy violation on the console ("Refused to ...
    # because it violates the following Content Security Policy directive"): any fails the test.
    page.on("console", lambda message: _csp_violation(request, message.text))
    return context, page


def _csp_violation(request, text: str) -> None:
    if "Content Security Policy" in text:
        request.node.__dict__.setdefault("csp_violations", []).append(text)


def _check_page(request) -> None:
    assert not request.node.__dict__.get("js_errors"), "JavaScript errors on the page"
    violations = request.node.__dict__.get("csp_violations")
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(browser, live_server, request):
    """A desktop-sized page on the live server."""
    context, page = _new_page(
        browser, live_server, request, viewport={"width": 1280, "height": 900}
    )
    yield page
    context.close()
    _check_page(request)


@pytest.fixture
def phone_page(browser, live_server, request):
    """A 360 px wide touch page, like a small Android phone."""
    context, page = _new_page(
        browser,
        live_server,
        request,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()
    _check_page(request)


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/ as evidence of what the test saw."""

    def take(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def catalogue(db):
    """A small catalogue: two provinces, three wards, four procedures across levels 1–4."""
    from procedures.constants import (
        AgencyTier,
        ApplicantRole,
        CopyType,
        FeeKind,
        FieldType,
        ProcessingTimeKind,
    )
    from tests.factories import (
        AgencyFactory,
        FeeRuleFactory,
        FieldFactory,
        FormFieldFactory,
        ProcedureFactory,
        RequiredDocumentFactory,
    )

    hanoi = AgencyFactory(code="000.00.00.H26", is_province=True, name="Thành phố Hà Nội")
    long_bien = AgencyFactory(code="000.01.00.H26", parent=hanoi, name="Phường Long Biên")
    ha_dong = AgencyFactory(code="000.02.00.H26", parent=hanoi, name="Phường Hà Đông")
    hatinh = AgencyFactory(code="000.00.00.H30", is_province=True, name="Tỉnh Hà Tĩnh")
    bac_hong_linh = AgencyFactory(code="000.01.00.H30", parent=hatinh, name="Phường Bắc Hồng Lĩnh")
    AgencyFactory(
        code="001.01.00.H26", parent=long_bien, tier=AgencyTier.DEPARTMENT, name="Bộ phận một cửa"
    )
    ho_tich = FieldFactory(code="ho-tich", name="Hộ tịch", order=1)
    chung_thuc = FieldFactory(code="chung-thuc", name="Chứng thực", order=2)
    dat_dai = FieldFactory(code="dat-dai", name="Đất đai", order=3)

    khai_sinh = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=ho_tich,
        level=3,
        processing_time_kind=ProcessingTimeKind.SAME_DAY,
        processing_days=0,
        usage_count=900,
        steps="Bước 1: Nộp hồ sơ\nBước 2: Nhận kết quả",
        legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
        receiving_agencies=[long_bien, ha_dong, bac_hong_linh],
    )
    RequiredDocumentFactory(procedure=khai_sinh, name="Tờ khai đăng ký khai sinh", order=1)
    RequiredDocumentFactory(
        procedure=khai_sinh, name="Giấy chứng sinh", order=2, copy_type=CopyType.ORIGINAL
    )
    FeeRuleFactory(procedure=khai_sinh, kind=FeeKind.FREE, amount=0, note="Đăng ký đúng hạn")
    FormFieldFactory(
        procedure=khai_sinh,
        section="Người yêu cầu",
        name="ho_ten",
        label="Họ, chữ đệm, tên",
        required=True,
        order=1,
        applicant=ApplicantRole.NAME,
    )
    FormFieldFactory(
        procedure=khai_sinh,
        section="Người được khai sinh",
        name="gioi_tinh",
        label="Giới tính",
        field_type=FieldType.CHOICE,
        choices="Nam\nNữ",
        required=True,
        order=2,
    )
    FormFieldFactory(
        procedure=khai_sinh,
        section="Người được khai sinh",
        name="ngay_sinh",
        label="Ngày, tháng, năm sinh",
        field_type=FieldType.DATE,
        required=True,
        order=3,
    )
    khai_tu = ProcedureFactory(
        code="1.000656",
        name="Đăng ký khai tử",
        field=ho_tich,
        level=2,
        usage_count=300,
        receiving_agencies=[long_bien],
    )
    FormFieldFactory(procedure=khai_tu, name="ho_ten_nguoi_chet", label="Họ tên người chết")
    chung_thuc_ban_sao = ProcedureFactory(
        code="2.000815",
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        field=chung_thuc,
        level=4,
        usage_count=1200,
        receiving_agencies=[ha_dong, bac_hong_linh],
    )
    FeeRuleFactory(
        procedure=chung_thuc_ban_sao,
        kind=FeeKind.PER_PAGE,
        amount=2000,
        pages_at_amount=2,
        amount_after=1000,
        cap=200000,
    )
    ProcedureFactory(
        code="1.004227",
        name="Đăng ký đất đai lần đầu",
        field=dat_dai,
        level=1,
        usage_count=50,
        receiving_agencies=[bac_hong_linh],
    )
    return {
        "hanoi": hanoi,
        "long_bien": long_bien,
        "ha_dong": ha_dong,
        "hatinh": hatinh,
        "bac_hong_linh": bac_hong_linh,
        "khai_sinh": khai_sinh,
        "khai_tu": khai_tu,
        "chung_thuc": chung_thuc_ban_sao,
        "ho_tich": ho_tich,
    }


@pytest.fixture
def birth_alternatives(catalogue):
    """The catalogue's birth registration as the law has it: the declaration is filled online
    (not uploaded), and the Giấy chứng sinh has alternatives where there is none."""
    from tests.factories import RequiredDocumentFactory

    khai_sinh = catalogue["khai_sinh"]
    declaration, certificate = khai_sinh.documents.order_by("order")
    declaration.is_declaration = True
    declaration.save()
    certificate.alternative_group = 1
    certificate.save()
    witness = RequiredDocumentFactory(
        procedure=khai_sinh,
        name="Văn bản của người làm chứng xác nhận về việc sinh",
        order=3,
        alternative_group=1,
        condition="Trường hợp không có Giấy chứng sinh",
    )
    commitment = RequiredDocumentFactory(
        procedure=khai_sinh,
        name="Giấy cam đoan về việc sinh",
        order=4,
        alternative_group=1,
        condition="Trường hợp không có Giấy chứng sinh và không có người làm chứng",
    )
    authorisation = RequiredDocumentFactory(
        procedure=khai_sinh, name="Văn bản ủy quyền", order=5, is_required=False
    )
    return {
        "declaration": declaration,
        "certificate": certificate,
        "witness": witness,
        "commitment": commitment,
        "authorisation": authorisation,
    }


@pytest.fixture
def legacy_agency(catalogue):
    """Thị xã Hồng Lĩnh before the 2025 reform: inactive, with a department, and still named
    as a receiver of the birth registration (the history of its dossiers); and a province merged
    long ago."""
    from procedures.constants import AgencyTier
    from tests.factories import AgencyFactory

    district = AgencyFactory(
        code="000.00.20.H30",
        parent=catalogue["hatinh"],
        tier=AgencyTier.DISTRICT,
        name="Thị xã Hồng Lĩnh (trước 01/7/2025)",
        is_active=False,
    )
    AgencyFactory(
        code="001.00.20.H30",
        parent=district,
        tier=AgencyTier.DEPARTMENT,
        name="Phòng Văn hóa và Thông tin thị xã Hồng Lĩnh (trước 01/7/2025)",
        is_active=False,
    )
    AgencyFactory(
        code="000.00.00.H99",
        is_province=True,
        name="Tỉnh Hà Tây (trước 01/8/2008)",
        is_active=False,
    )
    catalogue["khai_sinh"].receiving_agencies.add(district)
    return district


@pytest.fixture
def trich_luc(catalogue):
    """A level-4 procedure of Phường Long Biên with a fee per copy (8.000 đồng)."""
    from procedures.constants import FeeKind, ServiceLevel
    from tests.factories import FeeRuleFactory, ProcedureFactory

    procedure = ProcedureFactory(
        code="2.000635",
        name="Cấp bản sao Trích lục hộ tịch",
        field=catalogue["ho_tich"],
        level=ServiceLevel.FULL,
        processing_days=3,
        receiving_agencies=[catalogue["long_bien"]],
    )
    FeeRuleFactory(
        procedure=procedure,
        label="Phí cấp bản sao Trích lục hộ tịch",
        kind=FeeKind.PER_COPY,
        amount=8000,
    )
    return procedure


@pytest.fixture
def desk(catalogue):
    """Officers of Phường Long Biên (one per role) and a one-stop officer of Phường Hà Đông."""
    from officers.constants import Role
    from procedures.constants import AgencyTier
    from tests.dossiers.factories import make_officer
    from tests.factories import AgencyFactory

    long_bien, ha_dong = catalogue["long_bien"], catalogue["ha_dong"]
    one_stop = long_bien.children.get(code="001.01.00.H26")
    justice = AgencyFactory(
        code="002.01.00.H26", parent=long_bien, tier=AgencyTier.DEPARTMENT, name="Phòng Tư pháp"
    )
    return {
        "one_stop": one_stop,
        "justice": justice,
        "receiving": make_officer(
            "motcua", Role.RECEIVING, agencies=[long_bien], department=one_stop
        ),
        "specialist": make_officer(
            "chuyenvien", Role.SPECIALIST, agencies=[long_bien], department=justice
        ),
        "leader": make_officer("lanhdao", Role.LEADER, agencies=[long_bien]),
        "other_ward": make_officer("motcua.hadong", Role.RECEIVING, agencies=[ha_dong]),
    }


@pytest.fixture
def province(catalogue):
    """Hà Nội's service centre and two Sở; Hà Tĩnh's culture Sở; karaoke licences received by
    the centres and resolved by each province's culture Sở."""
    from officers.constants import Role
    from procedures.constants import AgencyTier
    from tests.dossiers.factories import make_officer
    from tests.factories import AgencyFactory, ProcedureFactory, RequiredDocumentFactory

    hanoi, hatinh = catalogue["hanoi"], catalogue["hatinh"]

    def unit(code, parent, name):
        return AgencyFactory(code=code, parent=parent, tier=AgencyTier.DEPARTMENT, name=name)

    centre = unit("000.00.01.H26", hanoi, "Trung tâm Phục vụ hành chính công Thành phố Hà Nội")
    culture = unit("000.00.04.H26", hanoi, "Sở Văn hóa và Thể thao Thành phố Hà Nội")
    health = unit("000.00.06.H26", hanoi, "Sở Y tế Thành phố Hà Nội")
    culture_hatinh = unit("000.00.04.H30", hatinh, "Sở Văn hóa, Thể thao và Du lịch Hà Tĩnh")
    karaoke = ProcedureFactory(
        code="1.001029",
        name="Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        level=3,
        receiving_agencies=[centre],
    )
    karaoke.resolving_agencies.set([culture, culture_hatinh])
    RequiredDocumentFactory(procedure=karaoke, name="Đơn đề nghị cấp giấy phép", order=1)
    return {
        "centre": centre,
        "culture": culture,
        "health": health,
        "karaoke": karaoke,
        "desk": make_officer("motcua.hanoi", Role.RECEIVING, agencies=[centre]),
        "specialist": make_officer("chuyenvien.sovhtt", Role.SPECIALIST, agencies=[culture]),
        "leader": make_officer("lanhdao.sovhtt", Role.LEADER, agencies=[culture]),
        "other_province": make_officer(
            "chuyenvien.hatinh", Role.SPECIALIST, agencies=[culture_hatinh]
        ),
        "health_officer": make_officer("chuyenvien.soyte", Role.SPECIALIST, agencies=[health]),
    }

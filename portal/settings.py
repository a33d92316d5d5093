"""Settings for the portal, read from the environment (12-factor).

Every integration is switched on by its own variable; without any, the portal runs on embedded
defaults: a SQLite file, tasks run in-process after commit, emails written to files.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.storage import storage_backend
from portal.policies import PERMISSIONS_POLICY_NONE, content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off the portal refuses to start without its key and its host names, in one line,
# rather than run on a key anyone can read here (sessions, password reset links, signed tokens).
# The defaults below are for `make run` (DEBUG=1) alone; tests set both (tests/environment.py).
if not DEBUG:
    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not env.str(name, default="")]
    if _missing:
        raise ImproperlyConfigured(
            f"DEBUG=0 mà thiếu {', '.join(_missing)}: đặt trong biến môi trường hoặc tệp .env."
        )
SECRET_KEY = env.str(
    "SECRET_KEY",
    # Only for local runs with DEBUG=1; `check --deploy` flags this one.
    default="django-insecure-local-development-key-do-not-use-in-production",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address for links and QR codes (core.siteurl); required when DEBUG is off (core.E001).
SITE_URL = env.str("SITE_URL", default="")

INSTALLED_APPS = [
    # The admin with officer two-factor (officers.admin_site): every app registers on it.
    "officers.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "captcha",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "procedures",
    "calendars",
    "dossiers",
    "payments",
    "notifications",
    # Before officers: its permissions exist when the roles are set up (post_migrate).
    "audit",
    "officers",
    "tracking",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files itself: they carry the headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "portal.middleware.PrivateAdminMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.siteurl.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Widget templates may be overridden from templates/ (the captcha's image, in Vietnamese).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiles any query over its cost threshold: 100 ms spent to save a few on the portal's
    # short queries (docs/benchmarks.md, back-office). A DATABASE_URL ?options= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers and one writer without "database is locked" under the dev server.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The covering index of unfinished dossiers (dossier_unfinished) is a plain partial index
    # here: its INCLUDE columns only speed up PostgreSQL's index-only counts.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            # Another database than the broker's: clearing the cache must not drop queued tasks.
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each worker's own memory, in front of the shared cache for hot public pages (portal/pagecache.py).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "portal-local",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Sessions live in the database; with Redis they are read from a copy there that never hides a
# newer save (core/sessions.py). Without it, each process's memory would hold its own copies.
SESSION_ENGINE = "core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # Officers hold citizens' personal data: 12 characters rather than Django's 8, which
        # the demo's "DichVuCong@2026" meets.
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection (officers/: lockout.py, twofactor.py, admin_site.py; README "Officers' login").
# django-axes counts failed logins in the database (shared by every worker) and locks out a
# username from one address after LOGIN_FAILURE_LIMIT failures, and a username from every address
# after LOGIN_FAILURE_LIMIT_PER_USERNAME (guessing spread over many addresses), for
# LOGIN_COOLOFF_MINUTES; a successful login clears the count. The officer's administrator unlocks
# at once with an action on the accounts' list (officers/admin.py), or `axes_reset_username <tên>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_USERNAME = env.int("LOGIN_FAILURE_LIMIT_PER_USERNAME", default=20)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "officers.lockout.LockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "officers.lockout.lockout_response"
# The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front (each appending
# to X-Forwarded-For) the address the outermost of them saw (core.clientip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
# Officers' second factor (django-otp: TOTP apps and 10 static backup codes). Required for the
# admin when DEBUG is off; optional in `make run`'s demo, where an enrolled officer still gives
# the token. Enrolment: /quan-tri/xac-thuc-hai-lop/.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cổng dịch vụ công")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# No MEDIA_URL is routed: stored files are served only by views that check who asks. STORAGE_URL
# (s3://bucket?endpoint_url=…) keeps them in object storage for several web nodes (core.storage);
# FILES_INTERNAL_REDIRECT (/_protected/) hands a local file to nginx once checked.
FILES_INTERNAL_REDIRECT = env.str("FILES_INTERNAL_REDIRECT", default="")
STORAGES = {
    "default": storage_backend(env.str("STORAGE_URL", default="")),
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", default="")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "emails")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng dịch vụ công <noreply@dichvucong.local>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Celery: with REDIS_URL a real broker; without it, tasks run in-process (they are always queued
# from transaction.on_commit, so "in-process" still means "after commit").
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks are published from the citizen's request: with the broker down, give up within a fraction
# of a second. The message waits in the outbox and notifications' periodic task queues it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Keep a worker's database connection across tasks, as CONN_MAX_AGE does for web requests:
# Celery would otherwise connect anew for every task. notifications' tasks (one runs every
# minute) start by dropping a connection that broke or outlived CONN_MAX_AGE.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Workers render a receipt and freeze the heap before their work (dossiers.workers).
WORKER_WARM_UP = env.bool("WORKER_WARM_UP", default=True)

# Notifications (notifications/): retries with exponential backoff and jitter, then "failed";
# pending messages not handled REQUEUE_AFTER seconds after they were due are queued again.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BACKOFF = env.float("NOTIFICATIONS_RETRY_BACKOFF", default=60)
# Below Redis' visibility timeout (1 hour), so a task waiting for its retry is not redelivered.
NOTIFICATIONS_RETRY_BACKOFF_MAX = env.float("NOTIFICATIONS_RETRY_BACKOFF_MAX", default=1800)
# A message the broker refused is queued by beat's next tick (every minute; measured 15-42 s
# after Redis returned, docs/architecture.md, Faults); one the broker lost, 60-120 s after.
NOTIFICATIONS_REQUEUE_AFTER = env.int("NOTIFICATIONS_REQUEUE_AFTER", default=60)
# A worker that sent a message goes on with the emails queued behind it for up to DRAIN_SECONDS
# (0: one message per task), with DRAIN_THREADS senders overlapping their waits on SMTP and on
# PostgreSQL's commits (docs/benchmarks.md, Notifications: 156-179/s without, 253-313/s with 4).
NOTIFICATIONS_DRAIN_SECONDS = env.float("NOTIFICATIONS_DRAIN_SECONDS", default=10)
NOTIFICATIONS_DRAIN_THREADS = env.int("NOTIFICATIONS_DRAIN_THREADS", default=4)
# SMS: a dotted path to a backend (notifications/sms.py); "fallback" texts only citizens who gave
# no email, "always" texts everyone as well, "never" turns SMS off.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.FileBackend")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms")
SMS_NOTIFY = env.str("SMS_NOTIFY", default="fallback")

# Online fees through VNPay v2.1.0 (payments/). Without VNPAY_PAYMENT_URL and with DEBUG on, the
# built-in sandbox gateway (/thanh-toan/sandbox/) stands in for it; VNPAY_API_URL is the merchant
# API (querydr, refund) that reconciliation asks about orders whose IPN never came.
VNPAY_TMN_CODE = env.str("VNPAY_TMN_CODE", default="")
VNPAY_HASH_SECRET = env.str("VNPAY_HASH_SECRET", default="")
VNPAY_PAYMENT_URL = env.str("VNPAY_PAYMENT_URL", default="")
VNPAY_API_URL = env.str("VNPAY_API_URL", default="")
VNPAY_API_TIMEOUT = env.float("VNPAY_API_TIMEOUT", default=10)
# The server's address sent in vnp_IpAddr of the merchant API's requests.
VNPAY_SERVER_IP = env.str("VNPAY_SERVER_IP", default="127.0.0.1")
VNPAY_EXPIRE_MINUTES = env.int("VNPAY_EXPIRE_MINUTES", default=15)
# An order pending this long is queried; failed ones once more; each no longer than the window.
VNPAY_RECONCILE_AFTER_MINUTES = env.int("VNPAY_RECONCILE_AFTER_MINUTES", default=5)
VNPAY_RECONCILE_WINDOW_HOURS = env.int("VNPAY_RECONCILE_WINDOW_HOURS", default=24)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CAPTCHA_IMAGE_SIZE = (140, 44)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 5
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)

# Security: secure defaults when DEBUG is off; plain HTTP behind a TLS proxy is opted in explicitly.
# The header a TLS-terminating proxy sets (and strips from the client's request) to say the
# request came in over HTTPS; SECURE_PROXY_SSL_HEADER= (empty) when nothing sits in front.
_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = (_ssl_header, "https") if _ssl_header else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container's health probes ask over plain HTTP on loopback (docker-compose.yml).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4) and Permissions-Policy: portal/policies.py says why.
# CSP_REPORT_URI sends violations to a collector, if one is run.
CONTENT_SECURITY_POLICY = content_security_policy(report_uri=env.str("CSP_REPORT_URI", ""))
PERMISSIONS_POLICY = PERMISSIONS_POLICY_NONE

# The portal itself.
PORTAL_NAME = env.str("PORTAL_NAME", default="Cổng dịch vụ công trực tuyến")
PORTAL_OPERATOR = {
    "name": env.str("PORTAL_OPERATOR_NAME", default="Trung tâm Phục vụ hành chính công tỉnh"),
    "address": env.str("PORTAL_OPERATOR_ADDRESS", default="Số 1 đường Trần Phú, phường Thành Sen"),
    "phone": env.str("PORTAL_OPERATOR_PHONE", default="0239 3 855 555"),
    "email": env.str("PORTAL_OPERATOR_EMAIL", default="hotro@dichvucong.local"),
    "hours": env.str(
        "PORTAL_OPERATOR_HOURS",
        default="Sáng 7:00–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu",
    ),
}
# Office hours are each agency's (procedures.Agency), holidays each province's (calendars).

# Intake wizard.
DRAFT_TTL_HOURS = env.int("DRAFT_TTL_HOURS", default=72)
UPLOAD_MAX_FILE_MB = env.int("UPLOAD_MAX_FILE_MB", default=10)
UPLOAD_MAX_DOSSIER_MB = env.int("UPLOAD_MAX_DOSSIER_MB", default=50)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# Lookup: rate limits ("60/minute", "10 per hour": the `limits` library's syntax, checked at
# startup), counted in the shared Redis, or in the database without it (core.ratelimits); and the
# captcha after this many misses in an hour.
LOOKUP_RATE_PER_IP = env.str("LOOKUP_RATE_PER_IP", default="60/minute")
VERIFY_RATE_PER_IP = env.str("VERIFY_RATE_PER_IP", default="20/hour")
# Second-factor attempts on one dossier from one address (a stranger's misses elsewhere never
# lock its owner out: they bring a captcha instead, VERIFY_CAPTCHA_AFTER_PER_CODE).
VERIFY_RATE_PER_CODE = env.str("VERIFY_RATE_PER_CODE", default="10/hour")
LOOKUP_CAPTCHA_AFTER = env.int("LOOKUP_CAPTCHA_AFTER", default=3)
# "Đổi mã khác" of the captcha, per address: each new image is a row in the database.
CAPTCHA_REFRESH_RATE = env.str("CAPTCHA_REFRESH_RATE", default="30/hour")
# Misses on one dossier's code, from any address, after which its second factor asks a captcha.
VERIFY_CAPTCHA_AFTER_PER_CODE = env.int("VERIFY_CAPTCHA_AFTER_PER_CODE", default=5)
# Where the counts live: the cache's Redis, else the database (core.ratelimits), so that every
# worker process shares them.
RATELIMIT_STORAGE_URI = env.str(
    "RATELIMIT_STORAGE_URI", default=CACHES["default"].get("LOCATION") or "django-db://"
)
RATELIMIT_KEY_PREFIX = env.str("RATELIMIT_KEY_PREFIX", default="portal:limits")

CATALOGUE_PAGE_SIZE = env.int("CATALOGUE_PAGE_SIZE", default=20)
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=300)
# How old the public statistics may be before a page recomputes this month (stats.services).
STATS_REFRESH_SECONDS = env.int("STATS_REFRESH_SECONDS", default=900)
# The lookup's progress page, forgotten when its dossier changes (tracking/cache.py).
LOOKUP_CACHE_SECONDS = env.int("LOOKUP_CACHE_SECONDS", default=3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}

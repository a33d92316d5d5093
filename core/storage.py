"""Where stored files live, and how a download of one reaches the browser.

Attachments, results, draft results, receipts and confirmations are kept in Django's default
storage. Without `STORAGE_URL` that is the folder MEDIA_ROOT, enough for one machine (`make run`).
With several web nodes every node must read what another stored, so `STORAGE_URL` puts them in an
S3-compatible bucket (MinIO, or any S3 service) through django-storages:

    STORAGE_URL=s3://BUCKET[/PREFIX]?endpoint_url=http://minio:9000&region=us-east-1
        &public_endpoint_url=https://files.example.gov.vn&expire=60

The keys come from the environment variables boto3 reads (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY), never from the URL, so that a URL printed in a log gives nothing away.

A download is answered after the view's permission check by the cheapest path the storage allows
(`core.headers.file_response`): a redirect to a short-lived signed URL of the bucket, the proxy's
internal redirect (X-Accel-Redirect) for a local folder behind nginx, or streamed by the worker.
"""

from urllib.parse import parse_qsl, quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
OBJECT_STORAGE = "core.s3.ObjectStorage"
# How long a signed URL stays valid: a browser follows the redirect at once, so a minute is
# plenty, and a URL copied out of a log or a history is dead soon after.
SIGNED_URL_SECONDS = 60
# STORAGE_URL's query parameters and the django-storages options they set.
PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "public_endpoint_url": "public_endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
    "expire": "querystring_expire",
}


def storage_backend(storage_url: str) -> dict:
    """Return the `STORAGES["default"]` entry for `storage_url` (empty: the local folder).

    Refuse a URL it cannot read in full rather than fall back to the local disk, where a second
    node would not find the files this one stores.
    """
    if not storage_url:
        return {"BACKEND": FILESYSTEM}
    parts = urlsplit(storage_url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            f"STORAGE_URL phải có dạng s3://tên-bucket?endpoint_url=…, không phải {storage_url!r}."
        )
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL không chứa khóa: đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY."
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=False))
    unknown = sorted(set(query) - set(PARAMETERS))
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL có tham số không hỗ trợ: {', '.join(unknown)} "
            f"(hỗ trợ: {', '.join(PARAMETERS)})."
        )
    options = {PARAMETERS[key]: value for key, value in query.items()}
    expire = options.get("querystring_expire", str(SIGNED_URL_SECONDS))
    if not expire.isdigit() or int(expire) < 1:
        raise ImproperlyConfigured(
            f"STORAGE_URL: expire phải là số giây dương, không phải {expire!r}."
        )
    options["querystring_expire"] = int(expire)
    if "endpoint_url" in options:
        # MinIO and most S3-compatible servers answer at one host for every bucket.
        options.setdefault("addressing_style", "path")
    return {
        "BACKEND": OBJECT_STORAGE,
        "OPTIONS": {
            "bucket_name": parts.hostname,
            "location": parts.path.strip("/"),
            "signature_version": "s3v4",
            # Private objects: only a signed URL reads one.
            "default_acl": None,
            "querystring_auth": True,
            # As on a local folder, a second file under a taken name gets a name of its own.
            "file_overwrite": False,
            **options,
        },
    }


def signed_url(file, *, filename: str, content_type: str) -> str | None:
    """Return a short-lived URL of the bucket for `file`, downloaded as `filename` with
    `content_type` and kept by no cache; None when the file is not in object storage (or in no
    storage: bytes just rendered)."""
    sign = getattr(getattr(file, "storage", None), "download_url", None)
    if sign is None:
        return None
    return sign(file.name, filename=filename, content_type=content_type)


def internal_redirect(file) -> str | None:
    """Return the path of `file` under the proxy's internal location (FILES_INTERNAL_REDIRECT),
    for X-Accel-Redirect: the proxy sends the file and the worker is free at once. None when no
    such location is configured, or the file is not on the local disk the proxy shares."""
    prefix = getattr(settings, "FILES_INTERNAL_REDIRECT", "")
    if not prefix or not isinstance(getattr(file, "storage", None), FileSystemStorage):
        return None
    return f"/{prefix.strip('/')}/{quote(file.name)}"

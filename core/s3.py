"""The object storage of STORAGE_URL (core.storage): django-storages' S3 backend, with signed
download URLs for the address browsers reach the bucket at.

Imported only when STORAGE_URL is set, so a portal on its local folder never loads boto3.
"""

import threading

from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class ObjectStorage(S3Storage):
    """Private objects in one bucket, read by browsers through signed URLs only.

    `public_endpoint_url` is the bucket's address as browsers see it, when it differs from the
    one the portal reaches it at (in docker-compose the portal asks http://minio:9000, a browser
    http://localhost:9000). A signature covers the host, so the URL is signed for the address the
    browser will use; signing needs no request to the bucket.
    """

    def __init__(self, **settings):
        super().__init__(**settings)
        self._signers = threading.local()

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_signers", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._signers = threading.local()

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": None}

    def _signer(self):
        client = getattr(self._signers, "client", None)
        if client is None:
            if self.public_endpoint_url:
                client = self._create_session().client(
                    "s3",
                    region_name=self.region_name,
                    endpoint_url=self.public_endpoint_url,
                    config=self.client_config,
                )
            else:
                client = self.connection.meta.client
            self._signers.client = client
        return client

    def download_url(self, name: str, *, filename: str, content_type: str) -> str:
        """Return a URL valid `querystring_expire` seconds that downloads `name` as an
        attachment called `filename`, of `content_type`, kept by no cache: the bucket answers
        with these headers, as the portal would."""
        return self._signer().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": self._normalize_name(clean_name(name)),
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "no-store, private",
            },
            ExpiresIn=self.querystring_expire,
            HttpMethod="GET",
        )

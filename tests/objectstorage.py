"""An S3 server for the tests of object storage: moto's (`moto_server`, from the dev
dependencies) in a subprocess on loopback, the stand-in for MinIO, which neither Debian nor PyPI
ships as a server. The portal reaches it over HTTP exactly as it would reach MinIO.
"""

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import skip_or_fail
from tests.notifications.helpers import stop_process_group

LOOPBACK = "127.0.0.1"
BUCKET = "portal-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
REGION = "us-east-1"


def moto_server_command() -> str:
    """Return moto_server's path, or skip (fail with REQUIRE_SERVICES=1) if moto is missing."""
    candidate = Path(sys.prefix) / "bin" / "moto_server"
    found = str(candidate) if candidate.exists() else shutil.which("moto_server")
    if not found:
        skip_or_fail("moto[server] is not installed (pip install -e '.[dev]'): no S3 server")
    return found


class MotoServer:
    """`moto_server` on a free loopback port with one bucket; always stopped on exit."""

    def __init__(self, *, port: int, log_path: Path):
        self.port = port
        self.url = f"http://{LOOPBACK}:{port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def storage_url(self, **parameters: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in parameters.items())
        return f"s3://{BUCKET}?endpoint_url={self.url}&region={REGION}" + (
            f"&{query}" if query else ""
        )

    def start(self, *, timeout: float = 30) -> None:
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [moto_server_command(), "-H", LOOPBACK, "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url, timeout=1).close()  # noqa: S310 (loopback)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"moto_server not ready after {timeout} s")
        self.client().create_bucket(Bucket=BUCKET)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def stored_names(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=BUCKET)
        return [item["Key"] for item in listed.get("Contents", [])]

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process_group(self.process, timeout=10)
        self.process = None

    def __enter__(self) -> "MotoServer":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def fetch(url: str, *, timeout: float = 10):
    """GET `url` (the signed URL a browser follows); return (status, headers, body), the headers
    read without regard to case."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()

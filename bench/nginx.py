"""deploy/nginx.conf, docker-compose's proxy, run by Debian's nginx in a subprocess, its upstream
and paths pointed at a local portal and media folder: for tests/test_proxy.py and for the
benchmarks that measure what the proxy serves (bench/intake.py --proxy)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
LOOPBACK = "127.0.0.1"


def binary() -> str | None:
    """The nginx executable, or None when it is not installed (apt-get install nginx)."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).exists() else None


def config(
    *, upstream: str, port: int, media_root: Path, work: Path, workers: int | str = 1
) -> str:
    """deploy/nginx.conf as docker-compose runs it, with this machine's addresses and paths."""
    server = CONFIG.read_text()
    server, upstreams = re.subn(r"server web2?:8000[^;]*;", "", server)
    assert upstreams == 2, "deploy/nginx.conf names the web nodes web and web2"
    server = server.replace("upstream portal {", f"upstream portal {{\n    server {upstream};", 1)
    server = server.replace("listen 8000;", f"listen {LOOPBACK}:{port};")
    server = server.replace("alias /data/media/;", f"alias {media_root}/;")
    temp = "".join(
        f"{kind}_temp_path {work / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run as root (CI), nginx's workers would be "nobody", who cannot read pytest's private tmp.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes {workers};\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'};\nevents {{ worker_connections 256; }}\n"
        f"http {{\naccess_log off;\nsendfile on;\n{temp}{server}\n}}\n"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx(*, upstream: str, media_root: Path, work: Path, workers: int | str = 1):
    """Run nginx in front of `upstream` (host:port) until the block ends; yield its base URL."""
    executable = binary()
    if executable is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    port = _free_port()
    work.mkdir(parents=True, exist_ok=True)
    path = work / "nginx.conf"
    path.write_text(
        config(upstream=upstream, port=port, media_root=media_root, work=work, workers=workers)
    )
    process = subprocess.Popen(
        [executable, "-p", str(work), "-c", str(path), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError((work / "error.log").read_text(errors="replace"))
            with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not listen")
            time.sleep(0.05)
        yield f"http://{LOOPBACK}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class Proxied:
    """A bench server (common.GunicornServer) as reached through the proxy at `base_url`: its
    URLs are the proxy's, the rest (log, worker restarts) its own; for common.measure_pages."""

    def __init__(self, server, base_url: str):
        self.server = server
        self.base_url = base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    def __getattr__(self, name):
        return getattr(self.server, name)

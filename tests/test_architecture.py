"""The apps' dependency rules (docs/architecture.md) hold: import-linter's contracts in
pyproject.toml, checked on every run of the suite and not only by `make lint`."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_no_app_imports_against_the_layers_and_no_import_cycle():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout  # the sixth: payments knows no dossier


def test_the_outbox_names_no_app():
    """notifications/ is a leaf: no import of it (migrations aside, which are history) names an
    app of the portal."""
    app_import = re.compile(
        r"^\s*(from|import)\s+(dossiers|procedures|officers|tracking|stats|portal)\b"
    )
    offending = [
        f"{path}:{number}: {line.strip()}"
        for path in (settings.BASE_DIR / "notifications").rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if app_import.match(line)
    ]
    assert offending == []

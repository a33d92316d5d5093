"""Loaded with `-p tests.environment` (pyproject's addopts), before pytest-django reads the
settings: with DEBUG off, as tests run, the settings refuse to start without a key and host
names (portal/settings.py), so the test run supplies its own. A value already set wins."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

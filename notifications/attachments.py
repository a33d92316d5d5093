"""Attachments are named by provider and resolved when the message is sent, so a message written
inside a transaction can carry a PDF that is only rendered after commit."""

from collections.abc import Callable

Provider = Callable[[int], tuple[str, bytes, str]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register `provider(object_id) -> (filename, content, mimetype)` under `name`."""
    _providers[name] = provider


def resolve(spec: dict) -> tuple[str, bytes, str]:
    return _providers[spec["provider"]](spec["id"])

"""Which drafts and dossiers this browser session may open: those it created or verified.

Anonymous citizens have no account; the session remembers their own drafts and dossiers (and the
ones they proved with the second factor on the lookup page).
"""

DRAFTS, DOSSIERS = "drafts", "dossiers"
KEEP = 20


def remember(request, key: str, value: str) -> None:
    values = request.session.get(key, [])
    if value not in values:
        request.session[key] = [*values[-(KEEP - 1) :], value]


def remembered(request, key: str) -> list[str]:
    return request.session.get(key, [])

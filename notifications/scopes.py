"""Which outbox messages a staff member may see, as the apps owning the messages' subjects say.

The outbox knows no app: an app whose objects have messages registers, for its subject type, the
keys of the objects a user may see (the dossiers app: the dossiers of the officer's agencies).
Messages about anything else, or about nothing, are for superusers only.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from notifications.models import Message

VisibleKeys = Callable[[object], QuerySet]
_scopes: dict[str, VisibleKeys] = {}


def register(subject_type: str, visible_keys: VisibleKeys) -> None:
    """Register `visible_keys(user)`, a queryset of the keys of the `subject_type` rows
    ("app_label.model") whose messages `user` may see."""
    _scopes[subject_type] = visible_keys


def messages_visible(user, messages: QuerySet[Message]) -> QuerySet[Message]:
    """Return the `messages` that `user` may see."""
    if user.is_superuser:
        return messages
    conditions = [
        Q(subject_type=subject_type, subject_id__in=visible_keys(user))
        for subject_type, visible_keys in _scopes.items()
    ]
    return messages.filter(reduce(or_, conditions)) if conditions else messages.none()

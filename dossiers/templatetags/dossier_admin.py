from django import template

from dossiers import selectors
from officers.selectors import user_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def officer_queues(context):
    """The queue counts of the signed-in officer, for the admin index."""
    user = context["request"].user
    if not user_roles(user):
        return []
    return selectors.dossier_queue_counts(user=user)

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_list

from dossiers import selectors
from officers.selectors import user_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def officer_queues(context):
    """The queue counts of the signed-in officer, for the admin index."""
    user = context["request"].user
    if not user_roles(user):
        return []
    return selectors.dossier_queue_counts_cached(user=user)


@register.inclusion_tag("admin/change_list_results.html")
def dossier_result_list(cl):
    """The admin's `result_list`, with the rows the model admin writes itself if it can."""
    rows = getattr(cl.model_admin, "result_rows", lambda cl: None)(cl)
    if rows is None:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }

"""The site footer's contacts: the receiving agency's on the pages about one dossier or draft,
the portal operator's everywhere else.

A page names its agency by overriding base.html's `footer` block:
    {% block footer %}{% with footer_agency=dossier.receiving_agency %}{{ block.super }}
    {% endwith %}{% endblock %}
(the base block renders with the page's context, `footer_agency` included).
"""

from django import template
from django.conf import settings

from procedures.models import Agency

register = template.Library()

# What the footer reads of an agency (opening_hours reads the two sessions).
CONTACT_FIELDS = ("name", "address", "phone", "email", "weekday_sessions", "saturday_sessions")


@register.simple_tag
def footer_contact(agency=None) -> dict:
    """Return the footer's name, address, phone, email and hours: `agency`'s, or the operator's
    when there is none (a page about no agency, a draft whose agency is not chosen yet).

    No query when the agency is loaded, as the pages' selectors load it (select_related). One
    whose contacts a lean selector deferred is completed in one query, not one per field.
    """
    if not isinstance(agency, Agency):
        return {**settings.PORTAL_OPERATOR, "is_agency": False}
    if agency.get_deferred_fields() & set(CONTACT_FIELDS):
        agency = Agency.objects.only(*CONTACT_FIELDS).get(pk=agency.pk)
    return {
        "name": agency.name,
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
        "hours": agency.opening_hours,
        "is_agency": True,
    }

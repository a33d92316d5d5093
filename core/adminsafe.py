"""The admin's answers to malformed parameters: a 400 or the list without them, never a 500."""

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, ValidationError


class SafeParametersMixin:
    """For a ModelAdmin: list parameters and bulk-action ids that Django lets through to a crash.

    - A `date_hierarchy` year outside what `datetime` holds (`created_at__year=9999999999` or
      `0`) raises OverflowError or ValueError, which the change list does not catch: it is an
      incorrect lookup, and the
      list is shown again without it (Django's `?e=1`).
    - A NUL character in a list parameter reaches PostgreSQL, which refuses it in a query: it is
      a bad request.
    - A bulk action posted with an id that is not one (`_selected_action=abc`, or a number past
      the column's range) fails inside the queryset filter: it is a bad request.
    """

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            raise BadRequest("NUL in a list parameter")
        return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as error:  # a year 0 or past datetime's range
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.run_validators(pk.to_python(value))
            except (ValidationError, OverflowError, TypeError) as error:
                raise BadRequest("invalid selected id") from error
        return super().response_action(request, queryset)

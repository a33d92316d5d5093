from django.contrib import admin

from audit import selectors
from audit.models import AccessRecord
from core.adminsafe import SafeParametersMixin


@admin.register(AccessRecord)
class AccessRecordAdmin(SafeParametersMixin, admin.ModelAdmin):
    """The access log: read only, confined to the agencies in the reader's scope."""

    list_display = ["at", "username", "action", "reference", "agency", "address"]
    list_filter = ["action", "at"]
    search_fields = ["reference", "username"]
    date_hierarchy = "at"
    list_select_related = ["agency"]
    readonly_fields = [field.name for field in AccessRecord._meta.fields]
    actions = None

    def get_queryset(self, request):
        return selectors.access_records_visible(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

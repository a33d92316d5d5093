from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.adminsafe import SafeParametersMixin
from payments import reconcile, selectors
from payments.models import PaymentEvent, PaymentOrder


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    fields = ["created_at", "kind", "rsp_code", "from_state", "to_state", "actor", "note", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Shown only on an order's page, which its own admin already let the officer see.
        return True


@admin.register(PaymentOrder)
class PaymentOrderAdmin(SafeParametersMixin, admin.ModelAdmin):
    """Payment orders and their events: read only, within the officer's agency scope; one
    action, recording a refund."""

    list_display = [
        "created_at",
        "reference",
        "description",
        "amount",
        "state",
        "needs_review",
        "txn_ref",
        "agency",
    ]
    list_filter = ["state", "needs_review"]
    search_fields = ["reference", "txn_ref", "transaction_no"]
    date_hierarchy = "created_at"
    list_select_related = ["agency"]
    readonly_fields = [field.name for field in PaymentOrder._meta.fields]
    inlines = [PaymentEventInline]
    actions = ["refund"]

    def get_queryset(self, request):
        return selectors.payments_visible(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Ghi nhận hoàn phí các lệnh đã thanh toán"), permissions=["change"])
    def refund(self, request, queryset):
        for order in queryset.order_by("pk"):
            values = {"ref": order.txn_ref}
            try:
                reconcile.payment_refund(order_id=order.pk, actor=request.user)
            except ValidationError as error:
                values["error"] = " ".join(error.messages)
                self.message_user(request, _("%(ref)s: %(error)s") % values, messages.WARNING)
            else:
                self.message_user(request, _("%(ref)s: đã hoàn phí.") % values, messages.SUCCESS)

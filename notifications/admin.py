from django.contrib import admin

from notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "channel", "template"]
    search_fields = ["recipient", "dossier__code"]
    list_select_related = ["dossier"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False

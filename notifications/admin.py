from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.adminsafe import SafeParametersMixin
from notifications import scopes, services
from notifications.constants import MessageState
from notifications.models import Message


@admin.register(Message)
class MessageAdmin(SafeParametersMixin, admin.ModelAdmin):
    """The outbox: read-only, with "Gửi lại" for messages that could not be sent."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template",
        "state",
        "attempts",
        "sent_at",
        "reference",
        "last_error",
    ]
    list_filter = ["state", "channel", "template"]
    search_fields = ["recipient", "reference"]
    date_hierarchy = "created_at"
    readonly_fields = [*(f.name for f in Message._meta.fields), "preview"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # An officer sees the messages about what their scope holds (a dossier's: the dossiers
        # app registers it), like the dossiers themselves.
        return scopes.messages_visible(request.user, super().get_queryset(request))

    @admin.display(description=_("nội dung"))
    def preview(self, message: Message) -> str:
        try:
            text = services.message_render(message)["text"]
        except Exception as error:  # a template an administrator should see is broken
            text = f"{type(error).__name__}: {error}"
        return format_html('<pre class="message-text">{}</pre>', text)

    @admin.action(description=_("Gửi lại các thư chưa gửi được"), permissions=["change"])
    def resend(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        queued = {message.pk for message in services.messages_resend(message_ids=selected)}
        # Without a broker they were sent on commit, just now: say what each one became.
        for message in Message.objects.filter(pk__in=selected).order_by("pk"):
            values = {"id": message.pk, "recipient": message.recipient, "error": message.last_error}
            if message.pk not in queued:
                level, text = messages.WARNING, _("Thư #%(id)s tới %(recipient)s đã gửi trước đó.")
            elif message.state == MessageState.SENT:
                level, text = messages.SUCCESS, _("Đã gửi lại thư #%(id)s tới %(recipient)s.")
            elif message.attempts:
                level = messages.ERROR
                text = _("Thư #%(id)s tới %(recipient)s chưa gửi được: %(error)s")
            else:
                level, text = messages.INFO, _("Đã xếp thư #%(id)s tới %(recipient)s để gửi lại.")
            self.message_user(request, text % values, level)

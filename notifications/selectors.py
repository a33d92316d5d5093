from django.db.models import Model, QuerySet

from notifications.models import Message


def messages_about(subject: Model) -> QuerySet[Message]:
    """Return the messages about `subject` (a saved row of any app), oldest first."""
    return Message.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).order_by("created_at", "pk")

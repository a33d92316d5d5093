"""Drafts of the intake wizard, kept server-side for one browser session, and their files."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Procedure, RequiredDocument


def upload_path(instance, filename):
    """Store every upload under a generated name; the citizen's file name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"uploads/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{extension}"


class Draft(models.Model):
    """A dossier being written in the intake wizard, kept server-side for one browser session."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session_key = models.CharField(max_length=64, db_index=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, related_name="+")
    declaration = models.JSONField(default=dict, blank=True)
    contact = models.JSONField(default=dict, blank=True)
    dossier = models.OneToOneField(
        "Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")

    def __str__(self):
        return f"{self.procedure.code} · {self.token}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(RequiredDocument, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

from django.conf import settings


def portal(request):
    """Expose the portal's name and operator contacts to every template."""
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_OPERATOR": settings.PORTAL_OPERATOR,
        "UPLOAD_LIMITS": {
            "file_mb": settings.UPLOAD_MAX_FILE_MB,
            "dossier_mb": settings.UPLOAD_MAX_DOSSIER_MB,
        },
    }

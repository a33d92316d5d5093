"""Project-wide response headers that depend on the project's URLs."""

from django.urls import reverse

from core.headers import private


class PrivateAdminMiddleware:
    """Mark every answer of the back-office (`/quan-tri/`, its login page, lists, dossiers, files,
    slips, exports, and their errors) as personal: `Cache-Control: no-store, private`. Django's
    own admin views say `no-cache, no-store`; the portal's added pages and their 404s are
    covered here, whatever view answers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self._prefix is None:
            self._prefix = reverse("admin:index")
        if request.path_info.startswith(self._prefix):
            private(response)
        return response

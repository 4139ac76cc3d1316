"""The portal's own 404 page under DEBUG too.

With DEBUG on (`make run`), Django answers a missing page with its technical 404, in English and
listing every URL pattern: not what a newcomer should meet on a first mistyped address. Every 404
the portal answers is an HTML page, so under DEBUG any 404 is replaced by the portal's own (with DEBUG
off, Django already renders templates/404.html). 403 and 500 use the portal's templates either way.
"""

from django.conf import settings
from django.views.defaults import page_not_found


class PortalNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and not getattr(response, "portal_page", False):
            response = page_not_found(request, exception=None)
            response.portal_page = True
        return response

"""What the portal writes to its log, and what it never writes.

Every event is one line of JSON on stderr (beside gunicorn's own error log), so that journald, a
container runtime or a log collector keeps each event whole: a server error's traceback is inside
its line. Each line carries the request it happened in: a request id (also sent back as the
`X-Request-ID` header, written in gunicorn's access log and shown on the 500 page), the method, the
path (without the query string) and the signed-in user's id.

Never written, to the log or to the administrators' error mails: passwords, session ids, cookies,
form values, nor the local variables of a traceback's frames (they hold the form's values).
"""

import contextvars
import json
import logging
import traceback
import uuid

from django.http import HttpResponseServerError
from django.template import loader
from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.csrf import requires_csrf_token

REQUEST_ID_HEADER = "X-Request-ID"
_current_request = contextvars.ContextVar("portal_request", default=None)


class RequestIdMiddleware:
    """Gives every request an id of its own and makes the request known to the log's lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.portal_request_id = uuid.uuid4().hex
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.portal_request_id
        return response


def request_facts(request) -> dict:
    """The request's id, method, path and user id. The user is read only if the request has already
    loaded it: writing a log line never queries the database (the error may be the database's)."""
    if request is None:
        return {}
    user = getattr(request, "_cached_user", None)
    return {
        "request_id": getattr(request, "portal_request_id", None),
        "method": request.method,
        "path": request.path,
        "user_id": user.pk if user is not None and user.is_authenticated else None,
    }


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's facts, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **request_facts(_current_request.get()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class PortalExceptionReporterFilter(SafeExceptionReporterFilter):
    """What an error mail to ADMINS may hold: the traceback and the request's headers, with every
    form value, every cookie and every frame's local variables left out, whatever DEBUG says."""

    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_safe_cookies(self, request):
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_traceback_frame_variables(self, request, tb_frame):
        return []


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The Japanese 500 page, with the request id to quote to the operator. Rendered without the
    request's context processors: the error may be the database's."""
    context = {"request_id": getattr(request, "portal_request_id", "")}
    return HttpResponseServerError(loader.get_template(template_name).render(context))

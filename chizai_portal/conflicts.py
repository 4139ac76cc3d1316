"""A request that lost a race for the database's lock is answered with the "changed meanwhile" page
(409), never with a server error.

Most races never get here: SQLite transactions take the write lock at BEGIN and wait for each other
(settings: IMMEDIATE, SQLITE_BUSY_TIMEOUT), PostgreSQL waits on row locks, and the second of two
saves based on the same version is refused by the workflow's own check (StaleReport, a 409 page with
what changed). What is left is a lock that could not be had in time: SQLite's wait running out
("database is locked"), or PostgreSQL breaking a deadlock, refusing a serializable transaction or
giving up a lock wait (`lock_timeout`). The request's transaction was rolled back whole (nothing was
written), so the page offers to send the same form again: nothing typed is lost, and a form based on
an outdated version is then refused with what changed.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger("chizai_portal.conflicts")

CONFLICT = 409
# SQLite's messages for a lock it could not get in time (the second with a shared cache).
SQLITE_LOCKED = ("database is locked", "database table is locked")
# PostgreSQL's SQLSTATEs: serialization_failure, deadlock_detected, lock_not_available.
POSTGRESQL_LOCKED = {"40001", "40P01", "55P03"}
# Fields never written into a page again: the CSRF token is the page's own; secrets stay unsent.
NOT_RESENT = ("csrfmiddlewaretoken", "password", "token", "otp")


def is_lock_conflict(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "pgcode", None) in POSTGRESQL_LOCKED:
        return True
    message = str(error).lower()
    return any(text in message for text in SQLITE_LOCKED)


def resent_fields(request) -> list[tuple[str, str]]:
    """The posted fields, to be sent again from the 409 page (files cannot be; secrets are not)."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if not any(part in name.lower() for part in NOT_RESENT)
        for value in values
    ]


class ConflictMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_lock_conflict(exception):
            return None
        logger.warning("Lock conflict answered with 409: %s", exception)
        context = {
            "resend": request.method == "POST",
            "fields": resent_fields(request) if request.method == "POST" else [],
            "had_files": bool(request.FILES) if request.method == "POST" else False,
        }
        return render(request, "409.html", context, status=CONFLICT)

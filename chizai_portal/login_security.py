"""Log-in throttling with django-axes: which address a request came from, how failures are counted,
and the Japanese page a locked-out person sees.

Settings (chizai_portal/settings.py, SECURITY.md): a user name is locked after AXES_FAILURE_LIMIT
failures, a client address after PORTAL_ADDRESS_FAILURE_LIMIT, each for AXES_COOLOFF_TIME after the
last failure. Unknown user names are counted exactly like known ones.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

LOCKED_OUT_STATUS = 429  # Too Many Requests


def client_ip(request) -> str | None:
    """The address that sent the request.

    Without a reverse proxy (REVERSE_PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N proxies that each
    append the address they received the request from to X-Forwarded-For, it is the N-th entry from the
    right: entries further left were written by the client and can say anything. A header with fewer
    entries, or one that is not an address, did not come through the proxies: REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.REVERSE_PROXY_COUNT
    if count == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return address_of(forwarded[-count]) or remote


def address_of(entry: str) -> str | None:
    """The address in an X-Forwarded-For entry ("203.0.113.5", "2001:db8::1", or with a port as some
    load balancers write it: "203.0.113.5:4711", "[2001:db8::1]:4711"); None if it is not one."""
    candidates = [entry]
    if entry.startswith("[") and "]" in entry:
        candidates.append(entry[1 : entry.index("]")])
    elif entry.count(":") == 1:
        candidates.append(entry.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def scaled_failures(failures: int, *, limit: int, common_limit: int) -> int:
    """Failures counted against `limit`, expressed against the one limit django-axes compares with:
    the result reaches `common_limit` exactly when `failures` reaches `limit`."""
    return failures * common_limit // limit


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler (shared by every process and host), with a limit of its own for
    client addresses: many people can share one address (an office, a government network's gateway),
    so an address may fail more often than one user name before it is locked."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        common_limit = settings.AXES_FAILURE_LIMIT
        counts = []
        for parameter, queryset in zip(parameters, attempts, strict=True):
            failures = queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = settings.PORTAL_ADDRESS_FAILURE_LIMIT if parameter == "ip_address" else common_limit
            counts.append(scaled_failures(failures, limit=limit, common_limit=common_limit))
        return max(counts, default=0)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """The page shown instead of the log-in form while locked out; the same whether the user name
    exists or not, and whether the password was right or not."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": cool_off_minutes()},
        status=LOCKED_OUT_STATUS,
    )

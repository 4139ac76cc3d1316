"""On SQLite, a request that only reads (GET, HEAD, OPTIONS) does not take the database's write lock.

Every transaction on SQLite starts IMMEDIATE (settings: the write lock at BEGIN, so that two writers
wait for each other instead of failing). Every request runs in a transaction (ATOMIC_REQUESTS), reads
included: under IMMEDIATE, dashboards computed for viewers would take turns with each other and with
every save. For the safe methods, this middleware lets the request's transaction start DEFERRED
instead: a read-only snapshot that, in WAL mode, neither waits for a writer nor makes one wait.

Safe requests do not write the portal's data. The dashboards' page cache does write (the database
cache, inside the request's transaction); when a writer has committed meanwhile, SQLite refuses that
write at once, the cache backend ignores the refusal (its writes "may fail silently"), and the page is
simply computed again next time. The transaction mode is an attribute of the thread's own connection
(Django reads it at each BEGIN): it is set after the connection is open, since opening it reads the
settings' mode again, and put back when the response is ready.
"""

from django.db import DEFAULT_DB_ALIAS, connections

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class DeferredReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection = connections[DEFAULT_DB_ALIAS]
        if request.method not in SAFE_METHODS or connection.vendor != "sqlite":
            return self.get_response(request)
        connection.ensure_connection()
        configured = connection.transaction_mode
        connection.transaction_mode = None  # Django's default: BEGIN (DEFERRED)
        try:
            return self.get_response(request)
        finally:
            connection.transaction_mode = configured

"""The dashboards' data versions: numbers that only ever go up, kept in a table of their own.

Cached dashboard pages are stored under keys that carry these versions (reports/dashboards/caching.py).
They used to live in the database cache beside the pages, where Django's cull deletes rows in key
order whatever their timeout: the versions vanished first, restarted at 1, and pages cached under 1
hours earlier were served again. Nothing culls this table.

Each version is a row: `figures` (approved figures, indicators, KPIs, reported totals: every page) and
`submissions` (submitted reports, shown as 速報 on the pages that ask for them). A row carries a
generation, a random value made with the row: a row made again (a new or emptied database) starts a
new generation, so no key made under an earlier row can match a page stored under it.

A version is raised inside the writer's own transaction, not after its commit:
- the change and the new version become visible together, in one commit: there is no moment when a
  reader sees the new figures under the old version, and no way to lose the raise (a process that
  dies between a commit and an after-commit raise would leave the old pages served for a day);
- a reader reads the version before the figures; whatever it stores under version N was read after
  N was committed, so it is never older than N;
- the price is a row lock held by the writer until it commits: two transactions changing figures on
  PostgreSQL take turns from the first change on (on SQLite every writer takes turns anyway). Such
  writes (approvals, imports, central entries, the admin) are rare and short beside the reads.
"""

import uuid

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F

from reports.models import DataVersion


def current_tokens() -> dict[str, str]:
    """Every version as it stands, in one query. A missing row (never expected: `migrate` makes them)
    is missing here too, and the pages that need it are then not cached."""
    return {row.name: row.token for row in DataVersion.objects.all()}


def version_number(name: str) -> int:
    """A version's number; 0 while its row is missing."""
    return DataVersion.objects.filter(name=name).values_list("number", flat=True).first() or 0


def ensure_versions(*, using: str = DEFAULT_DB_ALIAS, **_ignored) -> None:
    """Make the rows that are missing (after `migrate` or a flush: connected to post_migrate)."""
    if DataVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the table
    for name in DataVersion.Name.values:
        DataVersion.objects.using(using).get_or_create(name=name)


def start_new_generations(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Every version in a new generation (a restore): no key made before can match one made after,
    in the shared cache or in any process's memory, even where the numbers meet again."""
    for name in DataVersion.Name.values:
        DataVersion.objects.using(using).filter(name=name).update(generation=uuid.uuid4())


def raise_version(name: str) -> None:
    """Raise a version once per transaction, inside it (see the module's docstring).

    Every later change of the same transaction finds the marker registered with the first raise and
    raises nothing more: an import or a cascade delete changes thousands of rows. The marker is an
    on_commit callback that does nothing: Django drops it with a rolled-back transaction or savepoint,
    exactly when the raise it marks is undone too.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _increment(name)
        return
    marker = _MARKERS[name]
    if any(func is marker for _sids, func, _robust in connection.run_on_commit):
        return
    _increment(name)
    transaction.on_commit(marker)


def _increment(name: str) -> None:
    if not DataVersion.objects.filter(name=name).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(name=name)  # a new generation: no earlier key matches


def _figures_raised() -> None:
    """Marks a transaction that raised the figures' version."""


def _submissions_raised() -> None:
    """Marks a transaction that raised the submissions' version."""


_MARKERS = {
    DataVersion.Name.FIGURES: _figures_raised,
    DataVersion.Name.SUBMISSIONS: _submissions_raised,
}

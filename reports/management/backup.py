"""Backing up and restoring the portal's data with Django's dumpdata/loaddata (docs/backup.md).

A backup holds every table of the portal, the history tables included, with every id as it is. Ids are
kept rather than replaced by natural keys because
- a history record names the object it describes by its id (`HistoricalActual.id`), a plain number
  that no serializer translates: the objects must come back under the same ids;
- the history of a deleted object still names its indicator or KPI, which no longer exists, and
  `dumpdata --natural-foreign` stops there ("Indicator matching query does not exist");
- the content types and permissions are restored with their ids too, so the admin's log and the
  groups' permissions keep pointing at the same things. `migrate` creates them in every new database
  under ids of its own; a restore replaces those rows with the backup's.

The file is YAML because Django's JSON serializer cuts times to the millisecond, which would reorder
history records written within the same millisecond; YAML keeps microseconds.

Not backed up: sign-ins (sessions), log-in attempts and lock-outs (axes), the dashboard cache and its
data versions: they belong to the running service, and a restore empties the cache so that no page
computed before is ever served.

Beside the backup, a manifest lists the applied migrations and, per table, the number of rows and a
SHA-256 checksum of their contents; a restore is checked against it and undone when they differ.
"""

import datetime
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from reports.dashboards.caching import CACHE_ALIAS
from reports.dashboards.versions import start_new_generations

FORMAT = "yaml"
SUFFIXES = (".yaml", ".yaml.gz", ".yaml.bz2", ".yaml.xz")
MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_VERSION = 1
# Apps whose rows belong to the running service, not to the data (when installed).
NOT_BACKED_UP = ("sessions", "axes")
# Models whose rows belong to the running service: the dashboards' data versions, made by `migrate`.
NOT_BACKED_UP_MODELS = ("reports.dataversion",)
# Rows `migrate` creates in every new database; a restore puts the backup's in their place.
MIGRATE_CREATED = (ContentType, Permission)
CHUNK = 2000
SHOWN_TABLES = 5


# --- what is backed up ------------------------------------------------------------------------------


def excluded_apps() -> list[str]:
    return [label for label in NOT_BACKED_UP if label in apps.app_configs]


def backed_up_models() -> list:
    """Every table of the backup, the many-to-many tables (a user's groups, …) included."""
    excluded = set(excluded_apps())
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in excluded
        and model_key(model) not in NOT_BACKED_UP_MODELS
    ]


def model_key(model) -> str:
    return model._meta.label_lower


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def check_backup_name(backup: Path) -> None:
    if not backup.name.endswith(SUFFIXES):
        raise CommandError(
            f"バックアップのファイル名は {' / '.join(SUFFIXES)} のどれかで終えてください（例: portal.yaml.gz）。"
        )


# --- the manifest: rows and checksums ---------------------------------------------------------------


def manifest(*, using: str = DEFAULT_DB_ALIAS) -> dict:
    """The applied migrations, and every table's number of rows and checksum, as the database holds them."""
    return {
        "portal_backup": MANIFEST_VERSION,
        "database": connections[using].vendor,
        "created_at": timezone.now().isoformat(),
        "migrations": applied_migrations(using=using),
        "models": {model_key(model): table_digest(model, using=using) for model in backed_up_models()},
    }


def applied_migrations(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def table_digest(model, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Rows and a SHA-256 of their contents, read in a fixed order, values written the same way on every
    database. A many-to-many table's own ids are left out: a restore creates its rows anew."""
    fields = [field.attname for field in model._meta.concrete_fields]
    if model._meta.auto_created:
        fields = [name for name in fields if name != model._meta.pk.attname]
        order = fields
    else:
        order = [model._meta.pk.attname]
    digest = hashlib.sha256()
    rows = 0
    queryset = model._base_manager.using(using).order_by(*order).values_list(*fields)
    for row in queryset.iterator(chunk_size=CHUNK):
        digest.update(json.dumps([_canonical(value) for value in row], ensure_ascii=False).encode())
        digest.update(b"\n")
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two manifests, one Japanese line per table (empty when they agree)."""
    lines = migration_differences(expected, actual)
    wanted, found = expected.get("models", {}), actual.get("models", {})
    for key in sorted(wanted.keys() | found.keys()):
        before, after = wanted.get(key), found.get(key)
        if before is None:
            lines.append(f"{key}: バックアップにない表です（{after['rows']}行）")
        elif after is None:
            lines.append(f"{key}: バックアップにある表がありません（{before['rows']}行）")
        elif before["rows"] != after["rows"]:
            lines.append(f"{key}: 行数が違います（バックアップ {before['rows']}行、現在 {after['rows']}行）")
        elif before["sha256"] != after["sha256"]:
            lines.append(f"{key}: 行数は同じ（{after['rows']}行）ですが、内容のチェックサムが違います")
    return lines


def migration_differences(expected: dict, actual: dict) -> list[str]:
    wanted, found = set(expected.get("migrations", [])), set(actual.get("migrations", []))
    lines = []
    if wanted - found:
        lines.append("未適用のマイグレーション（バックアップにはある）: " + ", ".join(sorted(wanted - found)))
    if found - wanted:
        lines.append("バックアップより新しいマイグレーション: " + ", ".join(sorted(found - wanted)))
    return lines


def read_manifest(path: Path) -> dict:
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"マニフェスト {path} を読めません: {error}") from error
    if contents.get("portal_backup") != MANIFEST_VERSION or "models" not in contents:
        raise CommandError(f"{path} はこのポータルのバックアップのマニフェストではありません。")
    return contents


def write_manifest(path: Path, contents: dict) -> None:
    path.write_text(json.dumps(contents, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- dump -------------------------------------------------------------------------------------------


def dump(backup: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the backup and its manifest, both read from one snapshot of the database."""
    check_backup_name(backup)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # READ COMMITTED gives each statement its own snapshot: a report approved while the dump
            # runs could be in it without its actuals. One snapshot for the whole dump.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # written beside the target and renamed when complete: a failed dump never replaces a good backup
        partial = backup.with_name(".partial-" + backup.name)
        try:
            create_private_file(partial)
            call_command(
                "dumpdata",
                format=FORMAT,
                exclude=[*excluded_apps(), *NOT_BACKED_UP_MODELS],
                # every row, whatever a model's default manager would leave out
                use_base_manager=True,
                output=str(partial),
                database=using,
                verbosity=0,
            )
            contents = manifest(using=using)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    write_manifest(manifest_path(backup), contents)
    partial.replace(backup)
    return contents


def create_private_file(path: Path) -> None:
    """An empty file only its owner may read: a backup holds names, e-mail addresses and password
    hashes. dumpdata then writes into it, keeping its permissions."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# --- restore ----------------------------------------------------------------------------------------


def restore(backup: Path, *, expected: dict | None = None, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load the backup into an empty, migrated database in one transaction, check it against the
    manifest (when given) and empty the dashboard cache. Any error leaves the database as it was."""
    check_backup_name(backup)
    if not backup.is_file():
        raise CommandError(f"バックアップ {backup} がありません。")
    refuse_unapplied_migrations(using=using)
    if expected is not None:
        mismatch = migration_differences(expected, {"migrations": applied_migrations(using=using)})
        if mismatch:
            raise CommandError(
                "このデータベースのマイグレーションがバックアップと違います。バックアップを作った版の"
                "ポータルで戻し、その後で migrate してください。\n" + "\n".join(mismatch)
            )
    with transaction.atomic(using=using):
        refuse_portal_data(using=using)
        replace_migrate_created_rows(using=using)
        try:
            call_command("loaddata", str(backup.resolve()), database=using, verbosity=0)
        except Exception as error:
            raise CommandError(f"バックアップを読み込めません。何も戻していません。\n{error}") from error
        restored = manifest(using=using)
        if expected is not None:
            mismatch = differences(expected, restored)
            if mismatch:
                raise CommandError(
                    "戻した内容がバックアップのマニフェストと一致しません。何も戻していません。\n"
                    + "\n".join(mismatch)
                )
        # content types and permissions of models newer than the backup, as `migrate` would add them
        ContentType.objects.clear_cache()
        emit_post_migrate_signal(verbosity=0, interactive=False, db=using)
        empty_dashboard_cache(using=using)
    return restored


def empty_dashboard_cache(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """No page computed before the restore may be served: the cache is emptied and the data versions
    start a new generation (running processes keep the pages they read last under the old keys)."""
    call_command("createcachetable", database=using, verbosity=0)  # a new database may not have it yet
    caches[CACHE_ALIAS].clear()
    start_new_generations(using=using)


def refuse_unapplied_migrations(*, using: str = DEFAULT_DB_ALIAS) -> None:
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            "未適用のマイグレーションがあります。先に `manage.py migrate` を実行してください。"
        )


def tables_with_rows(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The portal's tables that hold rows (what `migrate` creates by itself does not count)."""
    return [
        model_key(model)
        for model in backed_up_models()
        if model not in MIGRATE_CREATED and model._base_manager.using(using).exists()
    ]


def refuse_portal_data(*, using: str = DEFAULT_DB_ALIAS) -> None:
    filled = tables_with_rows(using=using)
    if filled:
        shown = ", ".join(filled[:SHOWN_TABLES]) + (
            f" ほか{len(filled) - SHOWN_TABLES}表" if len(filled) > SHOWN_TABLES else ""
        )
        raise CommandError(
            "このデータベースには既にデータがあります。バックアップは空のデータベース（migrate だけを"
            "実行したもの）に戻してください。何も変更していません。\nデータのある表: " + shown
        )


def replace_migrate_created_rows(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove the content types and permissions `migrate` made: the backup brings them with its ids."""
    Permission.objects.using(using).all().delete()
    ContentType.objects.using(using).all().delete()
    ContentType.objects.clear_cache()

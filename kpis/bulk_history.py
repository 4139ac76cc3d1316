"""Writing many rows of a model with a history record each, in a few SQL statements.

django-simple-history's `bulk_create_with_history` builds a second model object per row and sends
every value of both through the ORM: the history costs more than the rows it records. Here the
rows go in with `bulk_create`, then the database copies them into the history table in ONE
statement:

    INSERT INTO <history> (<tracked columns>, history_date, history_change_reason, history_type,
                           history_user_id)
    SELECT <tracked columns>, %s, %s, %s, %s FROM <table> WHERE id IN <the ids just written>

so each history record holds exactly what the row holds. Changed rows are written by plain
parameterized UPDATEs (`update_batch`) before their history is copied the same way. Table and
column names come from the models through `quote_name`; every value (the ids, the user, the date,
the reason, the figures) is a parameter.
"""

import json

from django.conf import settings
from django.db import connections
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kpis.stamps import raise_stamps

# Rows per INSERT or UPDATE statement (SQLite's parameter limit makes Django split them further).
WRITE_BATCH_SIZE = 500

HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user")
CREATED, CHANGED = "+", "~"


def create_with_history(model, objects: list, *, user, reason: str, when, figures: bool = True) -> None:
    """Insert `objects` (unsaved) and one history record each ("+"); `figures`: the rows are
    indicators' figures (targets, actuals), whose stamps are raised."""
    if figures:
        raise_stamps(obj.indicator_id for obj in objects)
    connection = connections[model.objects.db]
    if not (connection.features.can_return_rows_from_bulk_insert and history_is_copyable(model)):
        # Without the new ids, the history cannot be copied from the rows: the library's way.
        bulk_create_with_history(
            objects,
            model,
            batch_size=WRITE_BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
            default_date=when,
        )
        return
    for batch in batches(objects):
        insert_batch(model, batch)
    copy_to_history(
        model, [obj.pk for obj in objects], history_type=CREATED, user=user, reason=reason, when=when
    )


def update_with_history(
    model, objects: list, attributes: list[str], *, user, reason: str, when, figures: bool = True
) -> None:
    """Update `attributes` of the saved `objects` and record each one's new state ("~"); `figures`:
    the rows are indicators' figures, whose stamps are raised."""
    if figures:
        raise_stamps(obj.indicator_id for obj in objects)
    if not history_is_copyable(model):
        bulk_update_with_history(
            objects,
            model,
            attributes,
            batch_size=WRITE_BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
            default_date=when,
        )
        return
    for batch in batches(objects):
        update_batch(model, batch, attributes)
    copy_to_history(
        model, [obj.pk for obj in objects], history_type=CHANGED, user=user, reason=reason, when=when
    )


def batches(objects: list) -> list[list]:
    return [objects[start : start + WRITE_BATCH_SIZE] for start in range(0, len(objects), WRITE_BATCH_SIZE)]


def insert_batch(model, batch: list) -> None:
    model.objects.bulk_create(batch)


def update_batch(model, batch: list, attributes: list[str]) -> None:
    """Write the `attributes` of the rows of `batch`. Django's `bulk_update` builds a CASE WHEN
    expression per row and column, which costs several times the rows' own writing; here every
    value is a parameter of a plain UPDATE: one per batch joined to its VALUES on PostgreSQL, one
    per row sent together (`executemany`, a loop in C) elsewhere."""
    if not attributes:
        return
    connection = connections[model.objects.db]
    fields = [model._meta.get_field(attribute) for attribute in attributes]
    rows = [
        [obj.pk, *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)]
        for obj in batch
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                update_from_values_sql(connection, model, fields, len(rows)),
                [value for row in rows for value in row],
            )
        else:
            cursor.executemany(
                update_per_row_sql(connection, model, fields), [[*row[1:], row[0]] for row in rows]
            )


def update_per_row_sql(connection, model, fields) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    return f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"


def update_from_values_sql(connection, model, fields, count: int) -> str:
    """UPDATE t SET a = v.a … FROM (VALUES (CAST(%s AS bigint), CAST(%s AS numeric(14, 2)) …), …)
    AS v (id, a …) WHERE t.id = v.id — each parameter cast to its column's type."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    names = [quote(pk.column), *(quote(field.column) for field in fields)]
    types = [pk.rel_db_type(connection), *(field.db_type(connection) for field in fields)]
    row = "(" + ", ".join(f"CAST(%s AS {db_type})" for db_type in types) + ")"
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    table = quote(model._meta.db_table)
    return (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * count)}) AS v ({', '.join(names)}) "
        f"WHERE {table}.{names[0]} = v.{names[0]}"
    )


# --- the copy --------------------------------------------------------------------------------


def history_is_copyable(model) -> bool:
    """True when every column of the model's history table is a tracked column or one of the four
    this module fills: anything else (a custom history field) needs the library's own writer."""
    history = model.history.model
    tracked = {field.name for field in history.tracked_fields}
    own = {"history_id", *HISTORY_COLUMNS}
    return {field.name for field in history._meta.concrete_fields} <= tracked | own


def copy_to_history(model, pks: list, *, history_type: str, user, reason: str, when) -> None:
    """One history record per row of `pks`, copied from the table by the database."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):  # as the library does
        return
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    history = model.history.model
    tracked = history.tracked_fields
    target = [history._meta.get_field(field.name).column for field in tracked]
    source = [field.column for field in tracked]
    constants = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user": getattr(user, "pk", None),
    }
    params = []
    for name, value in constants.items():
        field = history._meta.get_field(name)
        target.append(field.column)
        params.append(field.get_db_prep_save(value, connection))
    pk_column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, target))}) "
        f"SELECT {', '.join(f'{quote(model._meta.db_table)}.{quote(column)}' for column in source)}, "
        f"{', '.join(['%s'] * len(constants))} FROM {quote(model._meta.db_table)} WHERE "
    )
    with connection.cursor() as cursor:
        pk_type = model._meta.pk.rel_db_type(connection)
        for condition, condition_params in id_conditions(connection, pk_column, pks, pk_type):
            # Ordered by id: the history records are numbered in the order the rows were written.
            cursor.execute(f"{head}{condition} ORDER BY {pk_column}", [*params, *condition_params])


def id_conditions(connection, pk_column: str, pks: list, pk_type: str) -> list[tuple[str, list]]:
    """`pk_column` among `pks`: one array parameter on PostgreSQL, one JSON parameter on SQLite,
    else lists of placeholders within the database's parameter limit. The ids are a subquery, which
    the database joins by hashing (`= ANY(array)` compares each row with every id of the array)."""
    pks = [int(pk) for pk in pks]
    if connection.vendor == "postgresql":
        return [(f"{pk_column} IN (SELECT unnest(CAST(%s AS {pk_type}[])))", [pks])]
    if connection.vendor == "sqlite" and connection.features.supports_json_field:
        return [(f"{pk_column} IN (SELECT value FROM json_each(%s))", [json.dumps(pks)])]
    size = max(1, (connection.features.max_query_params or 1000) - len(HISTORY_COLUMNS))
    return [
        (f"{pk_column} IN ({', '.join(['%s'] * len(chunk))})", chunk)
        for chunk in (pks[start : start + size] for start in range(0, len(pks), size))
    ]

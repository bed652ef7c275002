"""Writing many rows of one table inside the session's transaction, as fast as the
database allows: PostgreSQL's COPY with ids reserved from the table's sequence, an
INSERT of many VALUES (with RETURNING) elsewhere.

COPY sends the rows as one stream instead of one large statement the driver must
scan for parameters and the server must parse and plan, which for a register import
of 20,000 stories was most of its time on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

Row = dict[str, Any]
# Below this many rows (the planner's estimate) a table's foreign-key plans may scan it.
SMALL_TABLE = 10_000


def uses_copy(session: Session) -> bool:
    """Whether this session's database takes rows by COPY (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert the rows (each naming the same columns) in the session's transaction and
    return their new ids in the rows' order."""
    if not rows:
        return []
    if not uses_copy(session):
        # SQLite gives each row of a many-VALUES INSERT the next rowid in turn, so the new
        # ids in ascending order are the rows' order. (Asking SQLAlchemy to sort them,
        # `sort_by_parameter_order`, would send one INSERT per row.)
        returned = insert(table).returning(table.c.id)
        return sorted(int(i) for i in session.execute(returned, list(rows)).scalars())
    ids = reserve_ids(session, table, len(rows))
    copy_rows(session, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def add_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert the rows (each naming the same columns) in the session's transaction."""
    if not rows:
        return
    if uses_copy(session):
        copy_rows(session, table, rows)
    else:
        session.execute(insert(table), list(rows))


def add_pairs(
    session: Session,
    table: Table,
    columns: tuple[str, str],
    pairs: Sequence[tuple[int, int]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Insert one row per pair of integers (into the two `columns`), each row also holding
    the same `constants`, in the session's transaction.

    On PostgreSQL this is one INSERT ... SELECT over two integer arrays (`unnest`): the rows
    are never built in Python, which for the 120,000 codings of a 20,000-story import was
    most of the client's time for that table. Elsewhere, an executemany INSERT. The table
    must have no Python-side default for a column left out (COPY and arrays skip them).
    """
    if not pairs:
        return
    fixed = dict(constants or {})
    names = [*columns, *fixed]
    if _defaults(table, names):
        raise ValueError(f"{table.name}: give every column with a Python-side default")
    if not uses_copy(session):
        rows = [{columns[0]: a, columns[1]: b, **fixed} for a, b in pairs]
        session.execute(insert(table), rows)
        return
    values = "".join(f", :fixed_{index}" for index in range(len(fixed)))
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT first, second{values} "
        "FROM unnest(CAST(:firsts AS integer[]), CAST(:seconds AS integer[])) "
        "AS pair(first, second)"
    ).bindparams(
        *(bindparam(f"fixed_{index}", type_=table.c[name].type) for index, name in enumerate(fixed))
    )
    parameters = {f"fixed_{index}": value for index, value in enumerate(fixed.values())}
    session.execute(
        statement,
        {"firsts": [a for a, _ in pairs], "seconds": [b for _, b in pairs], **parameters},
    )


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` new ids from a PostgreSQL table's id sequence, in ascending order."""
    found = session.execute(
        text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        ),
        {"table": table.name, "count": count},
    )
    return sorted(int(i) for i in found.scalars())


def copy_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """COPY the rows (each naming the same columns) into a PostgreSQL table, every
    value prepared as an INSERT would bind it (JSON, time zones)."""
    if not rows:
        return
    names = list(rows[0])
    defaults = _defaults(table, names)
    if defaults:
        rows = [{name: make() for name, make in defaults.items()} | row for row in rows]
        names += list(defaults)
    dialect = session.get_bind().dialect
    prepare: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{name}"' for name in names)
    statement = f"COPY {table.name} ({columns}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if value is None or step is None else step(value)
                        for step, value in zip(prepare, (row[name] for name in names), strict=True)
                    ]
                )
    except dialect.loaded_dbapi.Error as error:
        # The same exception an INSERT would raise (IntegrityError for a bad key...).
        raise DBAPIError.instance(
            statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error


def _defaults(table: Table, names: list[str]) -> dict[str, Callable[[], Any]]:
    """How to make each Python-side default of the columns the rows leave out (one call
    per row: a new reference each), which an INSERT fills in and COPY does not."""
    found: dict[str, Callable[[], Any]] = {}
    for column in table.c:
        default: Any = column.default
        if column.name in names or default is None or column.primary_key:
            continue
        if default.is_scalar:
            found[column.name] = _constant(default.arg)
        elif default.is_callable:
            found[column.name] = _made_by(default.arg)
    return found


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _made_by(make: Callable[[Any], Any]) -> Callable[[], Any]:
    return lambda: make(None)


def refresh_plans(session: Session, tables: Sequence[Table]) -> None:
    """On PostgreSQL, refresh the statistics of tables a bulk load is filling.

    Each foreign-key check is planned once per connection and the plan is kept: planned
    while the referenced table was small, it scans that whole table for every new row,
    which makes a large load into a new bank quadratic. ANALYZE invalidates those plans
    (and, inside the load's transaction, counts the rows it has written). A load calls
    this once, after its first batch. Elsewhere a no-op.
    """
    if not uses_copy(session):
        return
    for table in tables:
        estimate = session.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
            {"name": table.name},
        ).scalar()
        # Past a few thousand rows the kept plans use the indexes already, and ANALYZE of
        # a large table costs seconds.
        if estimate is None or estimate < SMALL_TABLE:
            session.execute(text(f"ANALYZE {table.name}"))

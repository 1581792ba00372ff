"""Bulk writes for the demo: one transaction per batch, ids handed out here.

PostgreSQL gets COPY, about three times faster there than INSERTs; SQLite gets the driver's
``executemany`` of plain tuples. Either way the values go through the columns' own bind
processors, so they are stored exactly as an INSERT through SQLAlchemy would store them
(enums as text, JSON, aware UTC times).
"""

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from o2o.db import Database, transaction

Row = dict[str, Any]

#: Rows of the main table per transaction (children such as opening hours come along).
BATCH_ROWS = 5000


class BulkWriter:
    """Inserts rows while nobody else writes (before serving, or to set up a benchmark).

    Ids are assigned here, counting on from each table's largest id, so that a batch can
    hold parents and their children without a round trip. On PostgreSQL every batch moves
    the id sequences past what it wrote, so later inserts by the app continue after it.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: Counter[str] = Counter()
        self._next_id: dict[str, int] = {}

    def ids(self, table: Table, count: int) -> range:
        """``count`` fresh ids of ``table``."""
        if table.name not in self._next_id:
            with self.db.session() as session:
                largest = session.scalar(select(func.max(table.c.id)))
            self._next_id[table.name] = (largest or 0) + 1
        start = self._next_id[table.name]
        self._next_id[table.name] = start + count
        return range(start, start + count)

    def write(self, batch: Sequence[tuple[Table, list[Row]]]) -> None:
        """Insert the rows in one transaction, table by table in order of first appearance.

        Parents come first in a batch, so that children find them.
        """
        tables: dict[Table, list[Row]] = {}
        for table, rows in batch:
            tables.setdefault(table, []).extend(rows)
        with self.db.session() as session, transaction(session):
            for table, rows in tables.items():
                if not rows:
                    continue
                if self.db.backend == "sqlite":
                    _insert_many(session, table, rows)
                    continue
                _copy(session, table, rows)
                if "id" in table.c:
                    session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    ))
        for table, rows in tables.items():
            self.rows[table.name] += len(rows)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def report(self, seconds: float) -> str:
        """What was written, how long it took and how fast: for the person at the terminal."""
        tables = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        rate = self.total / seconds if seconds > 0 else 0
        return f"{self.total:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s): {tables}"


Process = Callable[[Any], Any]


def _processed(session: Session, table: Table, rows: list[Row]) -> list[list[Any]]:
    """The rows' values (in the first row's column order) as the database driver takes them."""
    names = list(rows[0])
    dialect = session.get_bind().dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in names]
    remembering = [_remembering(process) if process else None for process in processors]
    return [
        [process(row[name]) if process else row[name]
         for name, process in zip(names, remembering, strict=True)]
        for row in rows
    ]


def _remembering(process: Process) -> Process:
    """``process`` that reuses its last result when given the very same object again.

    Batches repeat one value down a column (the batch's timestamp, a movement kind), and
    turning an aware time into SQLite's text costs more than the rest of the row.
    """
    last: list[Any] = [object(), None]

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return remembered


def _insert_many(session: Session, table: Table, rows: list[Row]) -> None:
    """SQLite's executemany of plain tuples: SQLAlchemy's own per-row parameter handling took
    longer than SQLite's inserts (300,000 stock levels with their receipts: 9 s, not 16 s)."""
    columns = ", ".join(f'"{name}"' for name in rows[0])
    marks = ", ".join("?" * len(rows[0]))
    cursor = session.connection().connection.cursor()
    cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})',
                       _processed(session, table, rows))


def _copy(session: Session, table: Table, rows: list[Row]) -> None:
    """PostgreSQL's COPY of the rows (a million customers: 70 s instead of 190 s)."""
    columns = ", ".join(f'"{name}"' for name in rows[0])
    cursor = session.connection().connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for values in _processed(session, table, rows):
            copy.write_row(values)

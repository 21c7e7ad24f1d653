"""Dagster's run history in the home, stored without a disk flush for every event.

Dagster's SQLite event log opens a new engine for every event it stores and commits each
one with SQLite's full synchronous mode: two or more ``fsync`` calls an event. A run logs
about 1,800 events (every dbt node is an asset or an asset check, and 45 suites follow):
a cProfile of ``nq57 run`` found 5,093 commits and 19.5 s in ``sqlite3.Connection.commit``
alone. With this storage the same rebuild of 2026-Q2 took 18.8 s for the dbt step instead
of 46.9 s and 3.4 s for the 45 suites instead of 14.1 s (same machine, same load).

``RunHistoryEventLogStorage`` is the same storage with one engine per database kept for
the process and ``PRAGMA synchronous = OFF`` on every connection: SQLite hands each write
to the operating system and does not wait for the disk. A killed process loses nothing
that was committed; only a power failure or an operating-system crash in the middle of a
write could damage a run's history database. That trade is right here because the run
history is for people following runs in the UI: backups leave it out, the data is trusted
through the landing zone, the audits and the releases, and the home's own files keep
their ``fsync`` (releases, review logs). Everything else (schema, journal mode, the
per-run databases the UI watches) is Dagster's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_SECONDS = 60
"""How long a writer waits for another process's lock (Dagster's own storage waits 60 s)."""


def _no_sync(dbapi_connection: Any, _record: Any) -> None:
    """Every new SQLite connection writes without waiting for the disk."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


class RunHistoryEventLogStorage(SqliteEventLogStorage):
    """Dagster's per-run SQLite event log, one engine per database, no sync per commit.

    Configured in the home's ``dagster/dagster.yaml`` (``lib/home/paths``); ``base_dir``
    defaults to Dagster's own place for it, ``$DAGSTER_HOME/history/runs``, so a home's
    earlier history stays readable.
    """

    def __init__(self, base_dir: str | None = None,
                 inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, Engine] = {}
        super().__init__(base_dir or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs"),
                         inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        """``base_dir`` is optional: the default keeps Dagster's layout."""
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,  # type: ignore[override]
                          config_value: dict[str, Any]) -> RunHistoryEventLogStorage:
        """Build the storage from ``dagster.yaml`` (Dagster calls this, not ``__init__``)."""
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made once; connections still open and close per use."""
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(create_db_conn_string(self._base_dir, shard),
                                   poolclass=NullPool,
                                   connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
            event.listen(engine, "connect", _no_sync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """A connection in a transaction, as Dagster's storage gives, on the kept engine."""
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close the kept engines with the storage."""
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()

"""Gives back the stock of expired reservations, in a thread of the app process.

Several API processes may each run one: a reservation is closed exactly once.
"""

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from o2o.db import Database
from o2o.inventory.service import expire_due

log = logging.getLogger(__name__)


class ReservationSweeper:
    def __init__(self, db: Database, *, interval_seconds: float) -> None:
        self._db = db
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reservation-sweeper",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def sweep(self) -> int:
        """Expire everything due now; returns how many reservations expired."""
        total = 0
        with self._db.session() as session:
            while expired := expire_due(session):
                total += expired
        return total

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if expired := self.sweep():
                    log.info("expired %d reservations", expired)
            except SQLAlchemyError:  # the database is away for a moment: try next round
                log.exception("reservation sweep failed")

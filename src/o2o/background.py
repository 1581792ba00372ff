"""The app's background loop, in a thread of each API process: what falls due is done.

Each round expires overdue orders (their stock comes back with them), then the
reservations past their expiry and the payments nobody completed in time, delivers the
outbox's pending events, expires loyalty points and credits the cashback of orders past
their return window (after the events, so a return in time cancels it first), and now and
then drops expired idempotency keys. Orders go first
so that an order and its holds end together, as the order's own expiry (a hold outlives its
order's deadline only as a safety net). Several processes may each run one: every step
closes a row exactly once.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from o2o.db import Database
from o2o.idempotency import service as idempotency
from o2o.inventory import service as inventory
from o2o.loyalty import service as loyalty
from o2o.orders import service as orders
from o2o.outbox import service as outbox
from o2o.payments import service as payments

log = logging.getLogger(__name__)

#: Expired idempotency keys are dropped about this often (they only take room).
FORGET_EVERY_SECONDS = 3600.0


@dataclass
class Round:
    """What one round did."""

    orders_expired: int = 0
    reservations_expired: int = 0
    payments_expired: int = 0
    events_delivered: int = 0
    keys_forgotten: int = 0


class BackgroundLoop:
    def __init__(self, db: Database, *, interval_seconds: float,
                 forget_every_seconds: float = FORGET_EVERY_SECONDS) -> None:
        self._db = db
        self._interval = interval_seconds
        #: Rounds between two drops of expired keys (the first round drops them too).
        self._forget_every = max(1, round(forget_every_seconds / max(interval_seconds, 1e-3)))
        self._rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="o2o-background", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def run_round(self) -> Round:
        """Do everything due now. A step that fails is logged and tried again next round;
        the others still run."""
        done = Round()
        done.orders_expired = self._step("order expiry", orders.expire_due)
        done.reservations_expired = self._step("reservation expiry", inventory.expire_due)
        done.payments_expired = self._step("payment expiry", payments.expire_due)
        done.events_delivered = self._step("outbox delivery", outbox.deliver_pending)
        self._step("points expiry and cashback credit", loyalty.run_due)
        if self._rounds % self._forget_every == 0:
            done.keys_forgotten = self._step("idempotency keys", idempotency.forget_expired,
                                             once=True)
        self._rounds += 1
        return done

    def _step(self, name: str, work: Callable[[Session], int], *, once: bool = False) -> int:
        """``work`` in a fresh session, repeated while it finds something (it works in
        batches), unless ``once``."""
        total = 0
        try:
            with self._db.session() as session:
                while count := work(session):
                    total += count
                    if once:
                        break
        except Exception:  # a handler or the database failed: next round tries again
            log.exception("background %s failed", name)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            done = self.run_round()
            if done.orders_expired or done.reservations_expired:
                log.info("expired %d orders and %d reservations", done.orders_expired,
                         done.reservations_expired)

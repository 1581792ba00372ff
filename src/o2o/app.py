"""The application factory: API routers, web apps, error handlers and the database."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from o2o import __version__
from o2o.auth.api import router as auth_router
from o2o.background import BackgroundLoop
from o2o.catalog.api import router as catalog_router
from o2o.config import Settings
from o2o.customers.api import router as customers_router
from o2o.db import Database
from o2o.deps import DbSession
from o2o.errors import error_codes_markdown, install_error_handlers
from o2o.inventory.api import router as inventory_router
from o2o.loyalty import handlers as loyalty_handlers
from o2o.loyalty.api import router as loyalty_router
from o2o.orders.api import router as orders_router
from o2o.payments import handlers as payment_handlers
from o2o.payments.api import router as payments_router
from o2o.payments.sandbox import router as wallet_sandbox_router
from o2o.promotions import handlers as promotion_handlers
from o2o.promotions.api import router as promotions_router
from o2o.stores.api import router as stores_router
from o2o.web import mount_web

API_DESCRIPTION = """
Sign in with `POST /api/v1/auth/token` (staff by email, customers by phone number) and send
`Authorization: Bearer <token>`. Money is whole đồng (VND); times are UTC (ISO 8601).

Every 4xx answer has one shape, `{"error": {"code": "…", "message": "…", "details": {…}}}`;
switch on `code`, show `message` to people. The codes:

"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings.database_url, pool_size=settings.database_pool_size)
        background = BackgroundLoop(app.state.db, interval_seconds=settings.sweep_seconds)
        if settings.sweep_seconds > 0:
            background.start()
        try:
            yield
        finally:
            if settings.sweep_seconds > 0:
                background.stop()
            app.state.db.dispose()

    app = FastAPI(
        title="o2o",
        version=__version__,
        summary="Online-to-offline retail: one catalogue, one stock, one customer.",
        description=API_DESCRIPTION + error_codes_markdown(),
        lifespan=lifespan,
        docs_url=None,  # served by the web apps from local files (o2o.web)
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    payment_handlers.register(settings)
    promotion_handlers.register()
    loyalty_handlers.register(settings)
    for router in (auth_router, stores_router, catalog_router, customers_router,
                   inventory_router, orders_router, payments_router, promotions_router,
                   loyalty_router, wallet_sandbox_router):
        app.include_router(router)

    @app.get("/healthz", tags=["ops"])
    def healthz(session: DbSession) -> dict[str, str]:
        """Liveness and which database this process runs on."""
        session.execute(text("SELECT 1"))
        return {"status": "ok", "database": settings.database_backend}

    mount_web(app, settings)
    return app

"""The shopper app, the POS and the back office: server-rendered pages over the services."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from o2o.config import Settings
from o2o.errors import NotFound
from o2o.web.backoffice.cashback import router as admin_cashback_router
from o2o.web.backoffice.loyalty import router as admin_loyalty_router
from o2o.web.backoffice.orders import router as admin_orders_router
from o2o.web.backoffice.pages import router as admin_router
from o2o.web.backoffice.payments import router as admin_payments_router
from o2o.web.backoffice.promotions import router as promotions_router
from o2o.web.backoffice.promotions_coupons import router as promotion_coupons_router
from o2o.web.backoffice.segments import router as admin_segments_router
from o2o.web.backoffice.stock import router as stock_router
from o2o.web.pos.orders import router as pos_orders_router
from o2o.web.pos.pages import router as pos_router
from o2o.web.pos.payments import router as pos_payments_router
from o2o.web.pos.returns import router as pos_returns_router
from o2o.web.pos.sale import router as pos_sale_router
from o2o.web.shop.pages import router as shop_router
from o2o.web.shop.wallet import router as shop_wallet_router
from o2o.web.templating import Templates
from o2o.web.views import APPS, PageRoute

STATIC_DIR = Path(__file__).resolve().parent / "static"

#: The front-end packages' files the pages load: ``/static/vendor/<name>`` -> npm folder.
VENDOR = {
    "bootstrap": "bootstrap/dist",
    "bootstrap-icons": "bootstrap-icons/font",
    "htmx": "htmx.org/dist",
    "leaflet": "leaflet/dist",
    "chart.js": "chart.js/dist",
    "be-vietnam-pro": "@fontsource/be-vietnam-pro",
    "swagger-ui": "swagger-ui-dist",
}


def mount_web(app: FastAPI, settings: Settings) -> None:
    app.state.templates = Templates(settings)
    for name, folder in VENDOR.items():
        # check_dir=False: an API-only install without node_modules still starts.
        app.mount(f"/static/vendor/{name}",
                  StaticFiles(directory=settings.vendor_dir / folder, check_dir=False))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (shop_router, pos_router, pos_orders_router, pos_sale_router,
                   pos_returns_router, pos_payments_router, admin_router, stock_router,
                   admin_orders_router, admin_payments_router, promotions_router,
                   promotion_coupons_router, shop_wallet_router, admin_loyalty_router,
                   admin_cashback_router, admin_segments_router, _no_such_page()):
        app.include_router(router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/shop")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """Swagger UI served from this machine, so the docs work in a shop without internet."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="o2o API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/img/logo.svg",
        )


def _no_such_page() -> APIRouter:
    """A mistyped address inside an app gets that app's "not found" page, not JSON."""
    router = APIRouter(route_class=PageRoute)

    def no_such_page(rest: str) -> None:
        raise NotFound("Page not found.", path=rest)

    for name in APPS:
        router.add_api_route(f"/{name}/{{rest:path}}", no_such_page, methods=["GET"])
    return router

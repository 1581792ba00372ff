"""The shopper app, the POS and the back office: server-rendered pages over the services."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from o2o.config import Settings
from o2o.errors import NotFound
from o2o.web.backoffice.pages import router as admin_router
from o2o.web.backoffice.stock import router as stock_router
from o2o.web.pos.pages import router as pos_router
from o2o.web.shop.pages import router as shop_router
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
    for router in (shop_router, pos_router, admin_router, stock_router, _no_such_page()):
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

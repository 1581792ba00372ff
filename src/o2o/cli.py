"""The ``o2o`` command: serve, migrate, demo-data."""

from typing import Annotated

import typer
import uvicorn

from o2o.config import Settings
from o2o.migrate import upgrade

app = typer.Typer(help="o2o: online-to-offline retail platform.", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Bring the database (O2O_DATABASE_URL) to the newest schema."""
    settings = Settings()
    upgrade(settings)
    typer.echo(f"Database is at the newest schema ({settings.database_backend}).")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Fill an empty database with the demo network.")] = False,
    workers: Annotated[int, typer.Option(help="API processes (PostgreSQL only).")] = 1,
) -> None:
    """Migrate, optionally load the demo network, and serve the API and web apps."""
    settings = Settings()
    upgrade(settings)
    if demo:
        from o2o.demo.load import load_demo_if_empty

        load_demo_if_empty(settings, echo=typer.echo)
    if workers > 1 and settings.database_backend == "sqlite":
        raise typer.BadParameter("SQLite is served by one process; use PostgreSQL for more.")
    typer.echo(f"Serving on http://{host}:{port}  (shop /shop, POS /pos, back office /admin)")
    uvicorn.run("o2o.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=False)


if __name__ == "__main__":
    app()

"""The ``o2o`` command: serve, migrate, demo-data."""

import time
from typing import Annotated

import typer
import uvicorn

from o2o.config import Settings
from o2o.db import Database
from o2o.migrate import upgrade

app = typer.Typer(help="o2o: online-to-offline retail platform.", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Bring the database (O2O_DATABASE_URL) to the newest schema."""
    settings = Settings()
    upgrade(settings)
    typer.echo(f"Database is at the newest schema ({settings.database_backend}).")


@app.command("demo-data")
def demo_data(
    stores: Annotated[int | None, typer.Option(min=0, help="Generated stores to add.")] = None,
    variants: Annotated[int | None, typer.Option(min=0, help="Generated variants to add.")] = None,
    customers: Annotated[
        int | None, typer.Option(min=0, help="Generated customers to add.")
    ] = None,
    stock_per_store: Annotated[int | None, typer.Option(
        min=0, help="Variants each generated store holds (default 30, or all its merchant's "
                    "variants if fewer).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
) -> None:
    """Load the realistic demo network, or with sizes, add a generated one for benchmarks."""
    from o2o.demo.load import load_demo_if_empty
    from o2o.demo.scale import TooFewVariants, add_network

    if stock_per_store is not None and not stores:
        raise typer.BadParameter("stock is generated for generated stores: give --stores.",
                                 param_hint="--stock-per-store")
    settings = Settings()
    upgrade(settings)
    if stores is None and variants is None and customers is None:
        load_demo_if_empty(settings, echo=typer.echo)
        return
    db = Database(settings.database_url, pool_size=2)
    try:
        typer.echo(f"Adding a generated network ({settings.database_backend}):")
        started = time.perf_counter()
        try:
            writer = add_network(db, stores=stores or 0, variants=variants or 0,
                                 customers=customers or 0, stock_per_store=stock_per_store,
                                 seed=seed, echo=typer.echo)
        except TooFewVariants as error:
            raise typer.BadParameter(str(error), param_hint="--stock-per-store") from error
        typer.echo(writer.report(time.perf_counter() - started))
    finally:
        db.dispose()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Fill an empty database with the demo.")] = False,
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

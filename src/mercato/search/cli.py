"""`mercato search reindex`: rebuild every product's search document (and every shop's) from the catalog, in
batches with a progress bar; safe to re-run, since documents are replaced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mercato.kernel.commands import DatabaseUrl, command_runtime

if TYPE_CHECKING:  # the capabilities load when a command runs, not when `mercato` starts
    from mercato.kernel.runtime import Runtime

app = typer.Typer(help="Search: the product and shop indexes", no_args_is_help=True)
console = Console()


def reindex_with_progress(rt: Runtime, out: Console, batch: int) -> tuple[int, int, float]:
    """Products then shops, each with its bar; (products, shops, products per second). The recent sales follow
    from the refresh job the reindex books for the worker (trade's figures reach search only through it)."""
    from mercato.search.indexing import reindex_all
    from mercato.search.shops import reindex_shops_in

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=False) as progress:
        products = progress.add_task("Products", total=None)
        report = reindex_all(rt, batch=batch,
                             progress=lambda done, total: progress.update(products, completed=done, total=total))
        progress.update(products, completed=report.products, total=report.products)
        shops = progress.add_task("Shops", total=None)
        with rt.uow() as uow:
            shop_count = reindex_shops_in(uow, lambda done, total: progress.update(shops, completed=done,
                                                                                   total=total), rt.clock.now())
            uow.commit()
    return report.products, shop_count, report.rate


@app.command("reindex")
def reindex(
    database_url: DatabaseUrl = None,
    batch: int = typer.Option(500, min=1, max=5000, help="products per transaction"),
) -> None:
    """Rebuild every product's and shop's search document from the catalog, with a progress bar."""
    rt = command_runtime(database_url)
    try:
        products, shops, rate = reindex_with_progress(rt, console, batch)
    finally:
        rt.engine.dispose()
    console.print(f"{products:,} products indexed ({rate:,.0f} per second), {shops:,} shops")

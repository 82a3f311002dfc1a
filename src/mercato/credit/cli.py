"""`mercato credit rescore`: ask for consumers' credit ratings to be recomputed now (one consumer, or every one in
keyset batches); the job worker (`mercato worker --drain`, or the server's own) runs them."""

from __future__ import annotations

import typer
from rich.console import Console

from mercato.kernel.commands import DatabaseUrl, command_runtime

app = typer.Typer(help="Credit: the consumer credit rating", no_args_is_help=True)
console = Console()


@app.command("rescore")
def rescore(
    consumer_ids: list[str] = typer.Argument(None, help="consumer ids to rescore"),
    all_consumers: bool = typer.Option(False, "--all", help="every consumer, in batches of 500"),
    database_url: DatabaseUrl = None,
) -> None:
    """Queue a rescore of the given consumers, or a pass over every consumer (`--all`)."""
    from mercato.credit import service as credit

    if not consumer_ids and not all_consumers:
        raise typer.BadParameter("give consumer ids or --all")
    rt = command_runtime(database_url)
    try:
        with rt.uow() as uow:
            now = rt.clock.now()
            for consumer_id in consumer_ids or []:
                credit.request_rescore_in(uow, consumer_id, now, "command")
            run = credit.request_full_pass_in(uow, now) if all_consumers else None
            uow.commit()
    finally:
        rt.engine.dispose()
    queued = f"a pass over every consumer ({run})" if run else f"{len(consumer_ids)} rescore(s)"
    console.print(f"queued {queued}: the job worker runs it (`mercato worker --drain` to run it now)")

"""`mercato recommend`: train the feed model from the event log with a progress bar, show dropped-event counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from mercato.kernel.commands import DatabaseUrl, command_runtime

if TYPE_CHECKING:  # numpy, scipy and the capabilities load when a command runs, not when `mercato` starts
    pass

app = typer.Typer(help="Recommendation: the behaviour log and the feed model", no_args_is_help=True)
console = Console()


class _Bars:
    """One progress bar per training stage, created as the stage starts."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@app.command("train")
def train(
    database_url: DatabaseUrl = None,
    ease_max_items: int | None = typer.Option(None, min=1, help="EASE's item cap (default: the measured one; "
                                              "its dense inverse is cubic in it)"),
) -> None:
    """Read the behaviour events, train co-visitation, EASE and popularity, and store the model as the newest."""
    from dataclasses import replace

    from mercato.recommend import service
    from mercato.recommend.training import TRAINING_CONFIG

    config = replace(TRAINING_CONFIG, ease_max_items=ease_max_items or TRAINING_CONFIG.ease_max_items)
    rt = command_runtime(database_url)
    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as progress:
            outcome = service.train_model(rt, config, progress=_Bars(progress))
    finally:
        rt.engine.dispose()
    if outcome.model_id is None:
        console.print("no events to train on; no model stored")
        return
    times = " ".join(f"{stage}={outcome.seconds.get(stage, 0.0):.1f}s" for stage in ("reading", "training", "saving"))
    console.print(f"[green]model {outcome.model_id}[/green]: {outcome.events_used} events, {outcome.items} items "
                  f"({outcome.ease_items} in EASE); {times}")


@app.command("drops")
def drops(database_url: DatabaseUrl = None, days: int = typer.Option(14, min=1, max=366)) -> None:
    """Dropped events per day and reason (unknown or inactive product, bad kind, bot)."""
    from mercato.recommend import service

    rt = command_runtime(database_url)
    try:
        counts = service.drop_counts(rt, days)
    finally:
        rt.engine.dispose()
    for count in counts:
        typer.echo(f"{count.day.isoformat()} {count.reason} {count.count}")
    if not counts:
        typer.echo("no dropped events")

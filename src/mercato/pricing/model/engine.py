"""The promotion engine's entry point: validate, sort the promotions, search for the cheapest plan, explain it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from mercato.pricing.model.catalogue import build_catalogue
from mercato.pricing.model.explain import explain
from mercato.pricing.model.quote import Quote, build_quote, replay
from mercato.pricing.model.solver import solve
from mercato.pricing.model.types import Context, Line, Promotion
from mercato.pricing.model.validation import validate_inputs


def price_cart(
    lines: Sequence[Line], context: Context, promotions: Sequence[Promotion], now: datetime
) -> Quote:
    """The valid combination of promotions with the lowest payable total, allocated per line and explained."""
    validate_inputs(lines, context, promotions)
    ordered = sorted(lines, key=lambda line: line.line_id)
    if not ordered:
        return Quote(original=0, payable=0, lines=(), stores=(), used_held=())
    catalogue = build_catalogue(ordered, context, promotions, now)
    plan = solve(ordered, catalogue)
    trace = replay(ordered, plan)
    notes, hints = explain(ordered, context, promotions, catalogue, plan, trace)
    return replace(build_quote(ordered, plan, trace), notes=notes, hints=hints)

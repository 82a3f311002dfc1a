"""Autocomplete latency: `search.suggest.suggest_in` over a large query log and product index, SQLite and PostgreSQL.

The log holds --logged distinct queries (default 100,000): every real Chinese query of Multi-CPR e-commerce (dev)
and English ones made from the demo catalog's words the way shoppers type them, with Zipf-like popularity (the
query of rank r is searched max(1, 2000 // r) times, through `record_query_in`, as the search page logs). Titles
fill up from --products indexed goods (default 20,000). Probes are what a shopper types on the way to a logged
query: its first 1-3 characters in Chinese, its first 2-6 letters in English, each probe one `suggest_in` in its own
read-only unit of work, the way the header's autocomplete asks, after a warm-up.

The aim is p95 at most 10 ms on the database (the header asks on every keystroke; the page adds its own network
time). The last line is

    suggest: p95_ms=<the worse database's p95> aim_ms=10

Usage: python bench/suggest.py [--logged N] [--products N] [--probes N] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from _schemas import private_postgres
from _search_corpus import Query, chinese_queries, documents, english_queries, vocabulary_of
from mercato.kernel.db import make_engine
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.migrate import upgrade
from mercato.search import service
from mercato.search.suggest import query_key, record_query_in, suggest_in

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ZH = ROOT.parent / "shared" / "datasets" / "search_relevance" / "multicpr_ecom_dev.query.tsv"
SCHEMA = "bench_suggest"
AIM_MS = 10.0
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")


def logged_queries(zh_path: Path, titles: list[str], count: int) -> list[str]:
    """Distinct query keys, most popular first: the real Chinese queries interleaved with English ones."""
    chinese = [q.text for q in chinese_queries(zh_path, count)]
    english: list[Query] = english_queries(titles, vocabulary_of(titles), count * 2, seed=5)
    seen: dict[str, None] = {}
    for zh, en in zip(chinese + [""] * len(english), english, strict=False):
        for text in (zh, en.text):
            key = query_key(text)
            if key and len(seen) < count:
                seen.setdefault(key, None)
    return list(seen)


def fill(engine: Engine, keys: list[str], products: int) -> tuple[float, float]:
    """Seconds to log the queries (with their popularity) and to index the products."""
    factory = UnitOfWorkFactory(engine)
    started = time.perf_counter()
    searches = [key for rank, key in enumerate(keys, 1) for _ in range(max(1, 2000 // rank))]
    for start in range(0, len(searches), 2000):
        with factory() as uow:
            for key in searches[start:start + 2000]:
                record_query_in(uow, key, 10, NOW)
            uow.commit()
    logged = time.perf_counter() - started
    started = time.perf_counter()
    for chunk in documents(products):
        with factory() as uow:
            service.index_products_in(uow, chunk)
            uow.commit()
    return logged, time.perf_counter() - started


def probes(keys: list[str], count: int, seed: int = 3) -> list[str]:
    """What shoppers type on the way to a logged query, popular queries more often (rank-weighted)."""
    rng = random.Random(seed)
    weights = [1.0 / rank for rank in range(1, len(keys) + 1)]
    typed = []
    for key in rng.choices(keys, weights=weights, k=count):
        chinese = not key.isascii()
        cut = rng.randint(1, 3) if chinese else rng.randint(2, 6)
        typed.append(key[:cut])
    return typed


def measure(engine: Engine, typed: list[str], warmup: int) -> tuple[list[float], float]:
    factory = UnitOfWorkFactory(engine)
    for prefix in typed[:warmup]:
        with factory(read_only=True) as uow:
            suggest_in(uow, prefix)
    latencies, found = [], 0
    for prefix in typed:
        started = time.perf_counter()
        with factory(read_only=True) as uow:
            found += bool(suggest_in(uow, prefix))
        latencies.append(1000 * (time.perf_counter() - started))
    return latencies, found / max(1, len(typed))


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="mercato-suggest-") as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'suggest.sqlite'}")
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def engines(choice: str) -> Iterator[tuple[str, Engine]]:
    if choice in ("sqlite", "both"):
        with sqlite_engine() as engine:
            yield "sqlite", engine
    url = os.environ.get("MERCATO_BENCH_POSTGRES_URL") or os.environ.get("MERCATO_TEST_POSTGRES_URL")
    if choice in ("postgresql", "both") and url:
        with private_postgres(url, SCHEMA) as engine:
            yield "postgresql", engine
    elif choice in ("postgresql", "both"):
        print("postgresql: skipped (set MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logged", type=int, default=100_000, help="distinct queries in the log")
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--probes", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--zh-queries", type=Path, default=DEFAULT_ZH)
    args = parser.parse_args(argv)
    if not args.zh_queries.exists():
        print(f"suggest: skipped, {args.zh_queries} is absent (see ../shared/datasets/README.md)")
        return 0
    titles = [d.title_en for chunk in documents(min(args.products, 20_000)) for d in chunk]
    keys = logged_queries(args.zh_queries, titles, args.logged)
    typed = probes(keys, args.probes)
    print(f"log: {len(keys):,} distinct queries; products: {args.products:,}; probes: {len(typed):,}")
    print("| database | log writes/s | index docs/s | p50 ms | p95 ms | p99 ms | with suggestions | aim p95 |")
    print("|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for name, engine in engines(args.database):
        logged_s, indexed_s = fill(engine, keys, args.products)
        writes = sum(max(1, 2000 // rank) for rank in range(1, len(keys) + 1))
        ms, share = measure(engine, typed, args.warmup)
        p95 = percentile(ms, 0.95)
        worst = max(worst, p95)
        print(f"| {name} | {writes / logged_s:,.0f} | {args.products / indexed_s:,.0f} | {percentile(ms, 0.5):.2f} | "
              f"{p95:.2f} | {percentile(ms, 0.99):.2f} | {100 * share:.0f} % | {AIM_MS:.0f} ms |", flush=True)
    print(f"suggest: p95_ms={worst:.2f} aim_ms={AIM_MS:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Search speed on the large generated catalog: Mercato's search on SQLite and PostgreSQL against bm25s, same run.

Corpus: the first N products (default 1,000,000) of the large demo catalog (seed 1), bilingual titles with brand
names and attribute values, made by the demo generator's pure functions. Mercato indexes them through
`search.service.index_products_in` in units of work of 2,000 (analysis included) into a fresh migrated SQLite file
under /tmp and, when MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL is set, into a private PostgreSQL
schema dropped afterwards. bm25s (Lucene BM25, k1 1.5, b 0.75) indexes the same documents with the same analyser
(Mercato's `analyse`: NFKC, jieba for Chinese, plural stemming), timed with its analysis, so both pay the same
tokenisation and see the same terms; its own tokenizer would keep a Chinese run as one token and find nothing.

Queries: the real Chinese queries of Multi-CPR e-commerce (dev) and as many English ones made from the catalog's
words, shuffled together. Each runs through `search_in(uow, text, filters, limit=20)` in its own unit of work, at
concurrency 1 and 8 (threads, each with its own pooled connection), after a warm-up; bm25s retrieves the top 20 of
the active products (a weight mask) for the same analysed terms. The last line is

    search: qps_ratio=<mercato q/s / bm25s q/s, c=1> p95_ms=<mercato p95, c=1> build_ratio=<docs/s / bm25s docs/s>

each taken on the worse of the databases measured.

Usage: python bench/search.py [--products N] [--queries N] [--database sqlite|postgresql|both] [--zh-queries FILE]
                              [--candidates N] [--reuse-sqlite FILE] [--reuse-postgres SCHEMA]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from _schemas import private_postgres
from _search_corpus import Query, chinese_queries, documents, english_queries, mixed, vocabulary_of
from mercato.kernel.db import make_engine
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.migrate import upgrade
from mercato.search import service
from mercato.search.model import SearchDocument, SearchFilters, analyse, clean_query
from mercato.search.model.analysis import clear_analysis_cache

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ZH = ROOT.parent / "shared" / "datasets" / "search_relevance" / "multicpr_ecom_dev.query.tsv"
SCHEMA = "bench_search_speed"
LIMIT = 20
CONCURRENCY = (1, 8)
NO_FILTERS = SearchFilters()


@dataclass
class Corpus:
    docs: list[SearchDocument]
    seconds: float  # generating the documents (not part of any build rate)


@dataclass
class Load:
    concurrency: int
    latencies: list[float]  # seconds per query, in query order
    hits: list[int]
    relaxed: list[bool]
    wall: float

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


Runner = Callable[[Query], tuple[int, bool]]  # -> (hits, relaxed)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def build_corpus(products: int) -> Corpus:
    started = time.perf_counter()
    docs = [doc for chunk in documents(products) for doc in chunk]
    return Corpus(docs, time.perf_counter() - started)


def run_load(run: Runner, queries: Sequence[Query], concurrency: int) -> Load:
    """Every query once; with concurrency > 1, that many threads take the queries in turn (a shared cursor)."""
    latencies = [0.0] * len(queries)
    hits, relaxed = [0] * len(queries), [False] * len(queries)
    position = iter(range(len(queries)))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                return
            started = time.perf_counter()
            hits[i], relaxed[i] = run(queries[i])
            latencies[i] = time.perf_counter() - started

    started = time.perf_counter()
    if concurrency == 1:
        worker()
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            for future in [pool.submit(worker) for _ in range(concurrency)]:
                future.result()
    return Load(concurrency, latencies, hits, relaxed, time.perf_counter() - started)


def cold_analysis() -> None:
    """Each build starts with analysis's cache of segmented Chinese runs empty, so none reuses another's work."""
    clear_analysis_cache()


# --- Mercato -------------------------------------------------------------------------------------------------------

def index_mercato(engine: Engine, docs: list[SearchDocument], batch: int = 2000) -> float:
    """Seconds to index every document through the service, a unit of work per batch."""
    factory = UnitOfWorkFactory(engine)
    cold_analysis()
    started = time.perf_counter()
    for start in range(0, len(docs), batch):
        with factory() as uow:
            service.index_products_in(uow, docs[start:start + batch])
            uow.commit()
        done = min(len(docs), start + batch)
        if done % 100_000 == 0:
            print(f"  indexed {done:,} ({done / (time.perf_counter() - started):,.0f} docs/s)", flush=True)
    return time.perf_counter() - started


def mercato_runner(engine: Engine, candidates: int = service.CANDIDATES) -> Runner:
    factory = UnitOfWorkFactory(engine)

    def run(query: Query) -> tuple[int, bool]:
        with factory(read_only=True) as uow:
            result = service.search_in(uow, query.text, NO_FILTERS, limit=LIMIT, candidates=candidates)
        return len(result.hits), result.relaxed
    return run


def settle(engine: Engine) -> None:
    """PostgreSQL after the bulk load: VACUUM ANALYZE merges the GIN index's pending list and gives the planner
    statistics, as autovacuum would soon do (untimed; without it queries scan the table)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE search_documents")


@contextmanager
def sqlite_engine(directory: Path) -> Iterator[Engine]:
    path = directory / "search-bench.sqlite"
    engine = make_engine(f"sqlite:///{path}", pool_size=10)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def reused_sqlite(path: Path) -> Iterator[Engine]:
    """An index an earlier run built and kept (not migrated, not rebuilt, not timed): for query-only runs."""
    engine = make_engine(f"sqlite:///{path}", pool_size=10)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def reused_postgres(url: str, schema: str) -> Iterator[Engine]:
    """A schema an earlier run built and kept (not migrated, not rebuilt, not timed, not dropped)."""
    private = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(private.render_as_string(hide_password=False), pool_size=10)
    try:
        yield engine
    finally:
        engine.dispose()


# --- bm25s ---------------------------------------------------------------------------------------------------------

def bm25s_build(docs: list[SearchDocument]) -> tuple[Runner, float]:
    """bm25s over Mercato's analysed terms of each document; the seconds include the analysis."""
    import bm25s

    cold_analysis()
    started = time.perf_counter()
    tokens = [analyse(d.title_en, d.title_zh, d.text).split() or [""] for d in docs]
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    seconds = time.perf_counter() - started
    active = np.array([1.0 if d.active else 0.0 for d in docs], dtype=np.float32)
    k = min(LIMIT, len(docs))

    def run(query: Query) -> tuple[int, bool]:
        terms = [t for t in clean_query(query.text).terms if t in retriever.vocab_dict]
        if not terms:
            return 0, False
        _docs, scores = retriever.retrieve([terms], k=k, weight_mask=active, show_progress=False)
        return int((scores[0] > 0).sum()), False
    return run, seconds


# --- reporting -----------------------------------------------------------------------------------------------------

@dataclass
class Measured:
    name: str
    build_s: float | None  # None: a reused index, whose build was not timed
    loads: list[Load]


def row(name: str, docs: int, build_s: float | None, load: Load) -> str:
    ms = [1000 * x for x in load.latencies]
    found = sum(1 for h in load.hits if h) / max(1, len(load.hits))
    rate = f"{docs / build_s:,.0f}" if build_s else "-"
    return (f"| {name} | {rate} | {load.concurrency} | {load.qps:,.1f} | {percentile(ms, 0.5):.2f} | "
            f"{percentile(ms, 0.95):.2f} | {percentile(ms, 0.99):.2f} | {100 * found:.0f} % |")


def by_kind(name: str, queries: Sequence[Query], load: Load) -> list[str]:
    """c=1 latency per query class, and for Mercato per outcome (every term matched / relaxed / nothing)."""
    lines = []
    groups: dict[str, list[float]] = {}
    for q, latency, hits, relaxed in zip(queries, load.latencies, load.hits, load.relaxed, strict=True):
        outcome = "none" if not hits else "relaxed" if relaxed else "found" if name == "bm25s" else "all terms"
        for key in (q.kind, f"{q.kind}/{outcome}"):
            groups.setdefault(key, []).append(1000 * latency)
    for key in sorted(groups):
        ms = groups[key]
        lines.append(f"| {name} | {key} | {len(ms)} | {statistics.fmean(ms):.2f} | {percentile(ms, 0.5):.2f} | "
                     f"{percentile(ms, 0.95):.2f} | {max(ms):.2f} |")
    return lines


def measure(name: str, run: Runner, queries: list[Query], warmup: list[Query], build_s: float | None,
            docs: int) -> Measured:
    run_load(run, warmup, 1)
    loads = [run_load(run, queries, c) for c in CONCURRENCY]
    for load in loads:
        print(row(name, docs, build_s, load), flush=True)
    return Measured(name, build_s, loads)


def search_code_version() -> str:
    """A digest of src/mercato/search as it is on disk, and the files that differ from the last commit."""
    source = Path(service.__file__).resolve().parent  # the package imported, wherever it comes from
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*.py")):
        digest.update(path.read_bytes())
    changed = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=source, capture_output=True,
                             text=True, check=False).stdout.split("\n")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=source, capture_output=True, text=True,
                            check=False).stdout.strip()
    edits = ", ".join(line[3:] for line in changed if line.strip()) or "none" if commit else "not a git checkout"
    return f"{source}: sha256 {digest.hexdigest()[:12]} at commit {commit or '?'}; uncommitted: {edits}"


def postgres_url(choice: str) -> str | None:
    if choice not in ("postgresql", "both"):
        return None
    return os.environ.get("MERCATO_BENCH_POSTGRES_URL") or os.environ.get("MERCATO_TEST_POSTGRES_URL")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000, help="total, half Chinese and half English")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--zh-queries", type=Path, default=DEFAULT_ZH)
    parser.add_argument("--reuse-sqlite", type=Path, default=None,
                        help="query an SQLite index of the same --products built earlier (the build is not timed)")
    parser.add_argument("--reuse-postgres", metavar="SCHEMA", default=None,
                        help="query this kept PostgreSQL schema of the same --products instead of building one")
    parser.add_argument("--candidates", type=int, default=service.CANDIDATES,
                        help=f"goods scored per tier by relevance (the service's cap, {service.CANDIDATES:,})")
    args = parser.parse_args(argv)
    version = search_code_version()  # as imported: before the corpus is built, other edits may land meanwhile
    if not args.zh_queries.exists():
        print(f"search: skipped, {args.zh_queries} is absent (see ../shared/datasets/README.md)")
        return 0
    analyse("预热 warm")  # jieba's dictionary loads once per process, before either build is timed
    corpus = build_corpus(args.products)
    docs = corpus.docs
    titles = [d.title_en for d in docs[:: max(1, len(docs) // 20_000)]]
    zh = chinese_queries(args.zh_queries, args.queries // 2)
    en = english_queries(titles, vocabulary_of(titles), args.queries - len(zh))
    queries = mixed(zh, en)
    warmup = mixed(chinese_queries(args.zh_queries, 10_000)[::-1][:args.warmup // 2],
                   english_queries(titles, vocabulary_of(titles), args.warmup - args.warmup // 2, seed=99))
    active = sum(1 for d in docs if d.active)
    print(f"search code measured: {version}; candidates scored per tier: {args.candidates:,}")
    print(f"corpus: {len(docs):,} products ({active:,} active), generated in {corpus.seconds:.0f} s; "
          f"queries: {len(zh)} Chinese (Multi-CPR dev), {len(en)} English (catalog words), warm-up {len(warmup)}")
    print(f"cpus: {os.cpu_count()}; threads share one Python process, so at c=8 the Python work of the queries "
          "(SQLAlchemy, analysis, bm25s's scoring glue) runs under one GIL; SQLite releases it while it steps")
    results: list[Measured] = []
    per_kind: list[str] = []
    header = ("| engine | build docs/s | c | queries/s | p50 ms | p95 ms | p99 ms | found |\n"
              "|---|---|---|---|---|---|---|---|")
    url = postgres_url(args.database)
    if args.database in ("postgresql", "both") and not url:
        print("postgresql: skipped, set MERCATO_BENCH_POSTGRES_URL or MERCATO_TEST_POSTGRES_URL")
    print(header, flush=True)
    with tempfile.TemporaryDirectory(prefix="mercato-search-bench-") as directory:
        databases: list[tuple[str, Callable[[], AbstractContextManager[Engine]]]] = []
        if args.database in ("sqlite", "both"):
            databases.append(("mercato sqlite", lambda: sqlite_engine(Path(directory))))
        if url:
            databases.append(("mercato postgresql", lambda: private_postgres(url, SCHEMA, pool_size=10)))
        if args.reuse_sqlite or args.reuse_postgres:
            databases = []
            if args.reuse_sqlite:
                databases.append(("mercato sqlite (reused)", lambda: reused_sqlite(args.reuse_sqlite)))
            if args.reuse_postgres and url:
                databases.append(("mercato postgresql (reused)", lambda: reused_postgres(url, args.reuse_postgres)))
        for name, opener in databases:
            with opener() as engine:
                build_s = None if "(reused)" in name else index_mercato(engine, docs)
                if build_s and engine.dialect.name == "postgresql":
                    settle(engine)
                result = measure(name, mercato_runner(engine, args.candidates), queries, warmup, build_s,
                                 len(docs))
                results.append(result)
                per_kind += by_kind(name, queries, result.loads[0])
    peer_run, peer_build = bm25s_build(docs)
    peer = measure("bm25s", peer_run, queries, warmup, peer_build, len(docs))
    per_kind += by_kind("bm25s", queries, peer.loads[0])
    print("\nc=1 latency by query class (and Mercato's outcome: all terms / relaxed / none):")
    print("| engine | class | queries | mean ms | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|---|")
    print("\n".join(per_kind))
    if not results:
        print("search: no database measured")
        return 1
    peer_qps = peer.loads[0].qps
    worst_qps = min(results, key=lambda r: r.loads[0].qps)
    worst_p95 = max(results, key=lambda r: percentile(r.loads[0].latencies, 0.95))
    built = [r for r in results if r.build_s]
    worst_build = max(built, key=lambda r: r.build_s or 0.0) if built else None
    build_ratio = (peer.build_s or 0.0) / (worst_build.build_s or 1.0) if worst_build else float("nan")
    p95 = 1000 * percentile(worst_p95.loads[0].latencies, 0.95)
    print(f"worse database: queries/s {worst_qps.name}, p95 {worst_p95.name}, "
          f"build {worst_build.name if worst_build else 'not measured'}")
    print(f"search: qps_ratio={worst_qps.loads[0].qps / peer_qps:.2f} p95_ms={p95:.1f} build_ratio={build_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Offline relevance of Mercato's search on Home Depot queries and product titles, against bm25s in the same run.

Every distinct title in FILE is indexed (a fresh migrated SQLite file under var/bench/, and PostgreSQL in a private
schema dropped afterwards when --postgres URL is given) and in bm25s; every distinct query runs through each, top 10.
NDCG@10 with graded labels: gain = the label (1-3, the mean of three raters; a title judged twice for one query gets
the mean), unjudged titles gain 0, discount 1 / log2(rank + 1); the ideal ranks the query's judged titles by label.
bm25s tokenises with its own defaults (lower case, words of 2+ characters, its English stop words, no stemmer).
Mercato runs as the service does (`--matching service`, the default: the goods matching every term first, then
those matching some, the top 200 re-ranked); `--matching all-terms` measures the earlier first tier alone (every
term, relaxed when nothing matches) for comparison. The last line is machine-readable:

    search_quality: ndcg10=<mercato, SQLite> bm25s=<bm25s> ratio=<mercato / bm25s>

Usage: python bench/search_quality.py [--data FILE] [--postgres URL] [--matching service|all-terms] [--candidates N]
       (columns id,product_uid,product_title,search_term,relevance[,split])
"""

from __future__ import annotations

import argparse
import csv
import gzip
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from _schemas import private_postgres
from mercato.kernel.uow import UnitOfWork, UnitOfWorkFactory
from mercato.migrate import upgrade
from mercato.search import service
from mercato.search.model import SearchDocument, SearchFilters, SearchHit, clean_query, relaxations
from mercato.search.repo import backend_for

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "search_relevance" / "homedepot_dev_query_title_relevance.csv.gz"
K = 10
SCHEMA = "bench_search_quality"
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@dataclass(frozen=True)
class Judgements:
    titles: list[str]  # distinct, in file order; a title's position is its document number
    labels: dict[str, dict[int, float]]  # query -> document number -> label


def read_judgements(path: Path) -> Judgements:
    """The distinct titles and, per query, the mean label of each judged title."""
    opener = gzip.open if path.suffix == ".gz" else open
    number: dict[str, int] = {}
    sums: dict[str, dict[int, list[float]]] = {}
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            doc = number.setdefault(row["product_title"], len(number))
            sums.setdefault(row["search_term"], {}).setdefault(doc, []).append(float(row["relevance"]))
    labels = {q: {doc: sum(v) / len(v) for doc, v in judged.items()} for q, judged in sums.items()}
    return Judgements(list(number), labels)


def ndcg(ranked: Sequence[int], labels: dict[int, float]) -> float:
    """NDCG@K: linear gain (the label; unjudged 0), discount 1 / log2(rank + 1)."""
    dcg = sum(labels.get(doc, 0.0) / math.log2(i + 2) for i, doc in enumerate(ranked[:K]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(labels.values(), reverse=True)[:K]))
    return dcg / ideal if ideal else 0.0


Ranker = Callable[[str], list[int]]


def evaluate(ranker: Ranker, labels: dict[str, dict[int, float]]) -> tuple[float, float, float]:
    """Mean NDCG@K over the queries, the share of queries with no result, and the mean milliseconds per query."""
    started = time.perf_counter()
    ranked = {query: ranker(query) for query in labels}
    elapsed, count = time.perf_counter() - started, max(1, len(labels))
    mean = sum(ndcg(ranked[q], labels[q]) for q in labels) / count
    empty = sum(1 for q in labels if not ranked[q]) / count
    return mean, empty, 1000 * elapsed / count


def bm25s_ranker(titles: list[str]) -> Ranker:
    """bm25s (Lucene BM25, k1 1.5, b 0.75) over the titles, with bm25s's default tokenisation."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(titles, show_progress=False), show_progress=False)

    def rank(query: str) -> list[int]:
        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = retriever.retrieve(tokens, k=min(K, len(titles)), show_progress=False)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
    return rank


def document(number: int, title: str) -> SearchDocument:
    return SearchDocument(product_id=f"t{number}", store_id="s-bench", vertical_id="v-bench",
                          store_kind="independent", title_en=title, title_zh="", price_min=100, updated_at=NOW)


def all_terms(unit: UnitOfWork, query: str) -> list[SearchHit]:
    """The first tier alone: the goods matching every term, or those matching every term of the first relaxation
    (the rarest term dropped first) that some good matches: what search_in did before the tiers."""
    terms = clean_query(query).terms
    backend = backend_for(unit.conn)
    hits = backend.search([[t] for t in terms], SearchFilters(), K, 0) if terms else []
    if hits or len(terms) < 2:
        return hits
    counts = {term: backend.count([[term]], SearchFilters()) for term in terms}
    for fewer in relaxations(terms, counts):
        hits = backend.search([[t] for t in fewer], SearchFilters(), K, 0)
        if hits:
            return hits
    return []


CANDIDATES = [service.CANDIDATES]  # --candidates: how many goods per tier relevance scores


def service_search(unit: UnitOfWork, query: str) -> list[SearchHit]:
    return service.search_in(unit, query, limit=K, candidates=CANDIDATES[0]).hits


MATCHING = {"service": service_search, "all-terms": all_terms}


def mercato_ranker(engine: Engine, titles: list[str], matching: str = "service") -> Ranker:
    """Mercato's search (`index_products_in`, then `search_in` with no filters) on a migrated database."""
    uow = UnitOfWorkFactory(engine)
    for start in range(0, len(titles), 2000):
        with uow() as unit:
            service.index_products_in(unit, [document(n, titles[n]) for n in range(start, min(start + 2000,
                                                                                              len(titles)))])
            unit.commit()

    if engine.dialect.name == "postgresql":
        settle(engine)

    def rank(query: str) -> list[int]:
        with uow(read_only=True) as unit:
            return [int(hit.product_id[1:]) for hit in MATCHING[matching](unit, query)]
    return rank


def settle(engine: Engine) -> None:
    """VACUUM ANALYZE after the bulk load, as autovacuum would soon do: it merges the GIN index's pending list and
    gives the planner statistics (without it every query scans the table: ~4x the time, same results)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE search_documents")


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    path = ROOT / "var" / "bench" / "search_quality.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def report(name: str, build: Callable[[], Ranker], labels: dict[str, dict[int, float]]) -> float:
    started = time.perf_counter()
    ranker = build()
    index_s = time.perf_counter() - started
    score, empty, ms = evaluate(ranker, labels)
    print(f"| {name} | {score:.4f} | {100 * empty:.1f} % | {index_s:.1f} | {ms:.2f} |")
    return score


def run(path: Path, postgres: str | None, matching: str = "service") -> tuple[float, float]:
    data = read_judgements(path)
    if not data.labels:
        print(f"data: {path.name}: no judged queries")
        return 0.0, 0.0
    judged = sum(len(v) for v in data.labels.values())
    print(f"data: {path.name}: {len(data.labels)} queries, {len(data.titles)} distinct titles, {judged} judgements")
    print(f"NDCG@{K}: gain = label (1-3), unjudged 0, discount 1/log2(rank+1); mean over queries")
    print("| engine | NDCG@10 | queries with no result | index s | ms/query |\n|---|---|---|---|---|")
    suffix = "" if matching == "service" else f", {matching}"
    with sqlite_engine() as engine:
        mercato = report(f"mercato (SQLite FTS5{suffix})", lambda: mercato_ranker(engine, data.titles, matching),
                         data.labels)
    if postgres:
        with private_postgres(postgres, SCHEMA) as engine:
            report(f"mercato (PostgreSQL{suffix})", lambda: mercato_ranker(engine, data.titles, matching),
                   data.labels)
    peer = report("bm25s", lambda: bm25s_ranker(data.titles), data.labels)
    return mercato, peer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--postgres", default=None, help="also measure on this PostgreSQL database (private schema)")
    parser.add_argument("--matching", choices=sorted(MATCHING), default="service",
                        help="service: what search_in does (default); all-terms: the first tier alone")
    parser.add_argument("--candidates", type=int, default=service.CANDIDATES,
                        help=f"goods scored per tier by relevance (the service's cap, {service.CANDIDATES:,})")
    args = parser.parse_args(argv)
    CANDIDATES[0] = max(1, args.candidates)
    if not args.data.exists():
        print(f"search_quality: skipped, {args.data} is absent (see ../shared/datasets/README.md)")
        return 0
    mercato, peer = run(args.data, args.postgres, args.matching)
    ratio = mercato / peer if peer else float("inf")
    print(f"search_quality: ndcg10={mercato:.4f} bm25s={peer:.4f} ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

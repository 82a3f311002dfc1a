"""The stored feed models: save a trained `FeedModel` as one compressed npz of plain arrays, load the newest once per
process (a one-row id check per call replaces it when a newer one is saved), and read an actor's recent history."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy import sparse

from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.model import CoVisitation, Ease, Event, FeedConfig, FeedModel
from mercato.recommend.tables import recommend_events, recommend_models

# Behaviour kinds the log stores that the models weigh as another kind: a click from a search result is a view.
KEEP_MODELS = 3  # a model is tens of megabytes; older ones are kept only to look back a little

MODEL_KIND = {"view": "view", "favourite": "favourite", "cart": "cart", "buy": "buy", "search_click": "view"}


@dataclass(frozen=True)
class StoredModel:
    """A saved model's facts, without its arrays."""

    id: str
    trained_at: datetime
    events_used: int
    last_event_id: int
    items: int
    size_bytes: int
    metrics: dict[str, Any]


# --- serialisation --------------------------------------------------------------------------------------------------

def model_arrays(model: FeedModel) -> dict[str, np.ndarray]:
    """Every array of the model by name (strings as fixed-width unicode, so loading needs no pickle)."""
    similarity = sparse.csr_matrix(model.covisit.similarity)
    return {
        "items": np.asarray(model.items, dtype=np.str_),
        "covisit_data": similarity.data, "covisit_indices": similarity.indices, "covisit_indptr": similarity.indptr,
        "covisit_shape": np.asarray(similarity.shape, dtype=np.int64),
        "ease_columns": model.ease.columns, "ease_weights": model.ease.weights,
        "prior": model.prior, "now": np.asarray(model.now, dtype=np.float64),
        "config": np.asarray(json.dumps(asdict(model.config), sort_keys=True)),
    }


def encode_model(model: FeedModel) -> bytes:
    """The model as an npz that `np.load` reads, deflated at level 1: float weights barely compress, so the
    default level costs several times the time for a few per cent (measured by bench/recommend.py)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in model_arrays(model).items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def decode_model(blob: bytes) -> FeedModel:
    """The model `encode_model` wrote, array for array."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        items = tuple(str(item) for item in arrays["items"])
        shape = tuple(int(n) for n in arrays["covisit_shape"])
        similarity = sparse.csr_matrix(
            (arrays["covisit_data"], arrays["covisit_indices"], arrays["covisit_indptr"]), shape=shape)
        return FeedModel(
            items=items, index={item: i for i, item in enumerate(items)},
            covisit=CoVisitation(items, similarity),
            ease=Ease(arrays["ease_columns"], arrays["ease_weights"]),
            prior=arrays["prior"], now=float(arrays["now"]),
            config=FeedConfig(**json.loads(str(arrays["config"]))),
        )


# --- saving and loading ---------------------------------------------------------------------------------------------

def save_model_in(uow: UnitOfWork, model: FeedModel, events_used: int, *, last_event_id: int = 0,
                  metrics: dict[str, Any] | None = None) -> str:
    """Store the model as the newest and delete all but the `KEEP_MODELS` newest; its id. `trained_at` is the
    model's own `now`."""
    model_id = new_id()
    blob = encode_model(model)
    uow.conn.execute(recommend_models.insert().values(
        id=model_id, trained_at=datetime.fromtimestamp(model.now, UTC), events_used=events_used,
        last_event_id=last_event_id, item_count=len(model.items), blob=blob, metrics=dict(metrics or {})))
    newest = sa.select(recommend_models.c.id).order_by(recommend_models.c.id.desc()).limit(KEEP_MODELS)
    uow.conn.execute(recommend_models.delete().where(recommend_models.c.id.not_in(newest.scalar_subquery())))
    return model_id


@dataclass
class _Slot:
    model_id: str
    model: FeedModel


_cache: dict[str, _Slot] = {}
_cache_lock = threading.Lock()


def _cache_key(uow: UnitOfWork) -> str:
    engine = uow.conn.engine
    return f"{engine.url!r}#{id(engine)}"


def latest_model_id_in(uow: UnitOfWork) -> str | None:
    """The newest stored model's id: one primary-key probe."""
    query = sa.select(recommend_models.c.id).order_by(recommend_models.c.id.desc()).limit(1)
    return uow.conn.execute(query).scalar_one_or_none()


def load_latest_in(uow: UnitOfWork) -> FeedModel | None:
    """The newest stored model, decoded once per process and kept while it stays the newest; None before any."""
    latest = latest_model_id_in(uow)
    key = _cache_key(uow)
    with _cache_lock:
        if latest is None:
            _cache.pop(key, None)
            return None
        slot = _cache.get(key)
        if slot is not None and slot.model_id == latest:
            return slot.model
        blob = uow.conn.execute(sa.select(recommend_models.c.blob)
                                .where(recommend_models.c.id == latest)).scalar_one()
        model = decode_model(bytes(blob))
        _cache[key] = _Slot(latest, model)
        return model


def _stored(row: Any) -> StoredModel:
    return StoredModel(row.id, row.trained_at, int(row.events_used), int(row.last_event_id), int(row.item_count),
                       int(row.size_bytes or 0), dict(row.metrics))


def latest_stored_in(uow: UnitOfWork) -> StoredModel | None:
    """The newest model's facts (no arrays), for the refresh job and operators."""
    query = (sa.select(recommend_models.c.id, recommend_models.c.trained_at, recommend_models.c.events_used,
                       recommend_models.c.last_event_id, recommend_models.c.item_count, recommend_models.c.metrics,
                       sa.func.length(recommend_models.c.blob).label("size_bytes"))
             .order_by(recommend_models.c.id.desc()).limit(1))
    row = uow.conn.execute(query).first()
    return None if row is None else _stored(row)


# --- history --------------------------------------------------------------------------------------------------------

def history_in(uow: UnitOfWork, consumer_or_visitor_id: str, limit: int = 200) -> list[Event]:
    """The actor's `limit` most recent events, oldest first, as model events (search clicks weigh as views)."""
    e = recommend_events.c
    query = (sa.select(e.product_id, e.kind, e.at).where(e.actor_id == consumer_or_visitor_id)
             .order_by(e.at.desc(), e.id.desc()).limit(max(0, limit)))
    rows = list(uow.conn.execute(query))
    return [Event(consumer_or_visitor_id, row.product_id, MODEL_KIND.get(row.kind, "view"), row.at.timestamp())
            for row in reversed(rows)]

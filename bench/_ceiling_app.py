"""The framework ceiling for bench/browse.py: a bare FastAPI app that answers every product URL with fixed bytes.

bench/browse.py captures one real product page, writes it to the file named by MERCATO_CEILING_BODY and serves
this app with the same uvicorn settings, so the only difference from Mercato is the work Mercato does.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

BODY = Path(os.environ["MERCATO_CEILING_BODY"]).read_bytes()

app = FastAPI()


@app.get("/p/{product_id}")
def product(product_id: str) -> HTMLResponse:
    return HTMLResponse(BODY)

"""The application starts on both engines and reports which one it runs on."""

import httpx
import pytest

from mercato.app import create_app
from mercato.kernel.runtime import Runtime


@pytest.mark.anyio
async def test_health_names_the_database_engine(rt: Runtime) -> None:
    app = create_app(rt)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": rt.database}

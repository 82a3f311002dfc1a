"""The application starts on both engines and reports which one it runs on."""

from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime


def test_health_names_the_database_engine(client: TestClient, rt: Runtime) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": rt.database}
    assert rt.database == ("postgresql" if rt.engine.dialect.name == "postgresql" else "sqlite")

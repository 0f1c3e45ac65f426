"""Health, readiness, metrics, the placeholder page and the OpenAPI spec."""
from oncall.app import create_app


def test_healthz_readyz_metrics(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert b"oncall_http_requests_total" in metrics.data


def test_readyz_is_503_when_the_database_is_unreachable(db_url):
    app = create_app({"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "secret_key": "x"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_index_sends_anonymous_people_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login = client.get("/login")
    assert login.status_code == 200 and login.mimetype == "text/html"
    assert b'name="email"' in login.data and b'name="password"' in login.data


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", "{" + arg + "}").replace(f"<{arg}>", "{" + arg + "}")
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    create_user = spec["paths"]["/api/v1/users"]["post"]
    schema_ref = create_user["requestBody"]["content"]["application/json"]["schema"]
    assert "email" in schema_ref["properties"]
    assert "201" in create_user["responses"]


def test_secret_key_is_generated_once_and_kept(db_url):
    first = create_app({"database_url": db_url})
    second = create_app({"database_url": db_url})
    assert first.secret_key and first.secret_key == second.secret_key
    first.extensions["oncall.engine"].dispose()
    second.extensions["oncall.engine"].dispose()

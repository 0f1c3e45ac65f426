"""The fixed dataset, built once per test (and backend), and "now" pinned to its report time."""
import re

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from werkzeug.security import generate_password_hash

from oncall.store.models import User
from tests.reports.dataset import NOW, build

READER_PASSWORD = "reports reader password"


@pytest.fixture
def data(session, make):
    return build(session, make)


@pytest.fixture
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


class _SignsInFirst(FlaskClient):
    """Signs in before its first page request (the report pages need it; the API does not).

    Late on purpose: after the dataset is built and at the (maybe frozen) time of the request,
    since a session signed at one time is not valid at an earlier one. The reader is inserted
    directly, so no audit entry is added to what the tests count."""

    db = None
    _signing_in = False

    def open(self, *args, **kwargs):
        path = args[0] if args and isinstance(args[0], str) else ""
        if not path.startswith(("/api/", "/login")) and not self._signing_in:
            self._signing_in = True
            self._sign_in()
        return super().open(*args, **kwargs)

    def _sign_in(self) -> None:
        reader = User(name="Report Reader", email="report-reader@example.com", role="admin",
                      password_hash=generate_password_hash(READER_PASSWORD, method="pbkdf2:sha256:1000"))
        self.db.add(reader)
        self.db.commit()
        page = self.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        answer = self.post("/login", data={"email": reader.email, "password": READER_PASSWORD, "csrf_token": token})
        assert answer.status_code == 302


@pytest.fixture
def client(app, session):
    app.test_client_class = _SignsInFirst
    signed_in = app.test_client()
    signed_in.db = session
    return signed_in

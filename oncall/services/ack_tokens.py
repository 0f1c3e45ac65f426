"""Signed acknowledgement tokens: each names one notification (so one incident and one user)."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from oncall.services.errors import ServiceError

DEFAULT_MAX_AGE = 24 * 3600


class BadAckToken(ServiceError):
    status = 400
    code = "bad_ack_token"


class ExpiredAckToken(BadAckToken):
    status = 410
    code = "expired_ack_token"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="oncall/ack/v1")


def make(secret_key: str, notification_id: int) -> str:
    return _serializer(secret_key).dumps({"n": notification_id})


def read(secret_key: str, token: str, max_age: int = DEFAULT_MAX_AGE) -> int:
    """The notification id in a token; BadAckToken if forged, ExpiredAckToken if too old."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredAckToken("this acknowledgement link has expired; acknowledge in oncall or PagerDuty") from None
    except BadSignature:
        raise BadAckToken("this acknowledgement link is not valid") from None
    if not isinstance(data, dict) or not isinstance(data.get("n"), int):
        raise BadAckToken("this acknowledgement link is not valid")
    return data["n"]

"""Integrations: inbound sources with a secret key (stored hashed) and optional signing."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import or_, select
from sqlmodel import Session

from oncall import clock
from oncall.schemas.integrations import IntegrationCreate, IntegrationCreated, IntegrationOut, IntegrationUpdate
from oncall.services import audit, crypto, teams
from oncall.services.errors import Invalid, NotFound, patch_changes
from oncall.services.secrets import hash_secret, random_key
from oncall.store.models import EscalationPolicy, Integration

KEY_LENGTH = 32


def url_for(integration: Integration, base_url: str, key: str | None = None) -> str:
    shown = key or "<key>"
    if integration.source == "events_v2":
        return f"{base_url}/v2/enqueue"
    return f"{base_url}/integrations/{shown}"


def to_out(integration: Integration, base_url: str) -> IntegrationOut:
    return IntegrationOut(
        id=integration.id, team_id=integration.team_id, policy_id=integration.policy_id, source=integration.source,
        name=integration.name, min_severity=integration.min_severity, key_hint=integration.key_hint,
        url=url_for(integration, base_url), routing_rules=integration.routing_rules,
        signed=integration.signing_secret is not None, rate_limit_per_minute=integration.rate_limit_per_minute,
        created_at=integration.created_at)


def get(*, session: Session, integration_id: int) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFound(f"integration {integration_id} not found")
    return integration


def list_(*, session: Session, team_id: int | None = None) -> list[Integration]:
    query = select(Integration).order_by(Integration.id)
    if team_id is not None:
        query = query.where(Integration.team_id == team_id)
    return list(session.execute(query).scalars())


def _check_policy(session: Session, field: str, policy_id: int) -> EscalationPolicy:
    policy = session.get(EscalationPolicy, policy_id)
    if policy is None:
        raise Invalid.field(field, f"unknown escalation policy {policy_id}")
    return policy


def _check_rules(session: Session, rules: list) -> list[dict]:
    checked = []
    for i, rule in enumerate(rules):
        for j, route in enumerate(rule.routes):
            policy = _check_policy(session, f"routing_rules.{i}.routes.{j}.policy_id", route.policy_id)
            if policy.team_id != route.team_id:
                raise Invalid.field(f"routing_rules.{i}.routes.{j}.policy_id",
                                    f"policy {route.policy_id} belongs to team {policy.team_id}, not {route.team_id}")
        checked.append(rule.model_dump(by_alias=True, exclude_none=True))
    return checked


def _snapshot(integration: Integration) -> dict:
    return {"name": integration.name, "team_id": integration.team_id, "policy_id": integration.policy_id,
            "source": integration.source, "min_severity": integration.min_severity,
            "routing_rules": integration.routing_rules, "signed": integration.signing_secret is not None,
            "rate_limit_per_minute": integration.rate_limit_per_minute, "key_hint": integration.key_hint}


def create(*, session: Session, data: IntegrationCreate, actor: str, secret_key: str,
           base_url: str) -> IntegrationCreated:
    teams.get(session=session, team_id=data.team_id)
    policy = _check_policy(session, "policy_id", data.policy_id)
    if policy.team_id != data.team_id:
        raise Invalid.field("policy_id", f"policy {data.policy_id} belongs to another team")
    key = random_key(KEY_LENGTH)
    integration = Integration(
        team_id=data.team_id, policy_id=data.policy_id, source=data.source, name=data.name,
        min_severity=data.min_severity, key_hash=hash_secret(key), key_hint=key[:4],
        routing_rules=_check_rules(session, data.routing_rules), rate_limit_per_minute=data.rate_limit_per_minute,
        signing_secret=crypto.encrypt(secret_key, data.signing_secret) if data.signing_secret else None)
    session.add(integration)
    session.flush()
    audit.record(session, actor=actor, action="integration.create", object_type="integration",
                 object_id=integration.id, after=_snapshot(integration))
    session.commit()
    return _created(integration, base_url, key)


def _created(integration: Integration, base_url: str, key: str) -> IntegrationCreated:
    """The one answer that shows the key (and a URL containing it)."""
    out = to_out(integration, base_url).model_dump()
    return IntegrationCreated(**{**out, "url": url_for(integration, base_url, key)}, key=key)


def update(*, session: Session, integration_id: int, data: IntegrationUpdate, actor: str,
           secret_key: str) -> Integration:
    integration = get(session=session, integration_id=integration_id)
    before = _snapshot(integration)
    changes = patch_changes(data, ("name", "policy_id", "min_severity", "routing_rules"))
    if "policy_id" in changes:
        policy = _check_policy(session, "policy_id", changes["policy_id"])
        if policy.team_id != integration.team_id:
            raise Invalid.field("policy_id", f"policy {policy.id} belongs to another team")
        integration.policy_id = policy.id
    if data.routing_rules is not None:
        integration.routing_rules = _check_rules(session, data.routing_rules)
    if "signing_secret" in changes:
        secret = changes["signing_secret"]
        integration.signing_secret = crypto.encrypt(secret_key, secret) if secret else None
    for key in ("name", "min_severity", "rate_limit_per_minute"):
        if key in changes:
            setattr(integration, key, changes[key])
    session.flush()
    audit.record(session, actor=actor, action="integration.update", object_type="integration",
                 object_id=integration.id, before=before, after=_snapshot(integration))
    session.commit()
    return integration


def rotate_key(*, session: Session, integration_id: int, grace_seconds: int, actor: str, base_url: str) -> IntegrationCreated:
    """A new key; the old one keeps working for ``grace_seconds`` so senders can switch over."""
    integration = get(session=session, integration_id=integration_id)
    key = random_key(KEY_LENGTH)
    integration.previous_key_hash = integration.key_hash if grace_seconds else None
    integration.previous_key_expires_at = clock.now() + timedelta(seconds=grace_seconds) if grace_seconds else None
    integration.key_hash, integration.key_hint = hash_secret(key), key[:4]
    session.flush()
    audit.record(session, actor=actor, action="integration.rotate_key", object_type="integration",
                 object_id=integration.id, after={"key_hint": key[:4], "grace_seconds": grace_seconds})
    session.commit()
    return _created(integration, base_url, key)


def delete(*, session: Session, integration_id: int, actor: str) -> None:
    integration = get(session=session, integration_id=integration_id)
    before = _snapshot(integration)
    audit.delete_row(session, integration, actor=actor, action="integration.delete", object_type="integration",
                     object_id=integration_id, before=before, in_use=f"integration {integration_id} cannot be deleted")


def by_key(*, session: Session, key: str) -> Integration | None:
    """The integration a key belongs to: its current key, or its previous one within the grace period."""
    if not key or len(key) > 128:
        return None
    digest = hash_secret(key)
    integration = session.execute(select(Integration).where(
        or_(Integration.key_hash == digest, Integration.previous_key_hash == digest))).scalar()
    if integration is None:
        return None
    if integration.key_hash != digest and (integration.previous_key_expires_at is None
                                           or integration.previous_key_expires_at <= clock.now()):
        return None
    return integration


def signature_valid(integration: Integration, *, secret_key: str, raw_body: bytes, headers) -> bool:
    """True when the integration is unsigned, or a Jira/generic HMAC-SHA256 header matches."""
    if integration.signing_secret is None:
        return True
    secret = crypto.decrypt(secret_key, integration.signing_secret).encode()
    expected = hmac.new(secret, raw_body, hashlib.sha256).hexdigest()
    for header in ("X-Hub-Signature", "X-Oncall-Signature"):
        sent = (headers.get(header) or "").strip()
        if sent.startswith("sha256="):
            sent = sent[len("sha256="):]
        if sent and hmac.compare_digest(sent.lower(), expected):
            return True
    return False



"""``/api/v1/audit``: browse the audit log and verify its hash chain."""
from __future__ import annotations

from flask import Blueprint

from oncall.schemas.audit import AuditEntryOut, AuditQuery, VerificationOut
from oncall.services import audit, audit_log
from oncall.web.api.auth import require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import reader_session

bp = Blueprint("api_audit", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


@endpoint(bp, "/audit", "GET", summary="Audit log entries, newest first, filtered", query=AuditQuery,
          response=list[AuditEntryOut])
def list_audit(params: AuditQuery):
    with reader_session() as session:
        return audit_log.search(session=session, query=params)


@endpoint(bp, "/audit/verify", "GET", summary="Verify the hash chain: names the first broken entry",
          response=VerificationOut)
def verify_audit():
    with reader_session() as session:
        return audit.verify(session)

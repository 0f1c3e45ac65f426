"""CSRF protection (Flask-WTF) for every browser form; machine endpoints are exempt by path.

Exempt: ``/api/`` (bearer tokens, no cookies), ``/v2/`` and ``/integrations`` (integration
keys), ``/webhooks/`` (provider signatures) and ``POST /ack/<token>``: the signed token in the
URL is the credential, so a forged request needs the token already, and an ack page left
open on a phone at 3 a.m. must not fail on an expired CSRF token or a blocked cookie.
Exempting by path rather than by blueprint keeps a newly added API blueprint exempt too.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from oncall.web.errors import error_response

EXEMPT_PREFIXES = ("/api/", "/v2/", "/integrations", "/webhooks/", "/ack/")

csrf = CSRFProtect()


def _check() -> None:
    if current_app.config["WTF_CSRF_ENABLED"] and not request.path.startswith(EXEMPT_PREFIXES):
        csrf.protect()


def _refused(exc: CSRFError):
    return error_response(400, "form_expired", "This form has expired or did not come from this site "
                                               f"({exc.description}). Go back, reload the page and try again.")


def init_app(app: Flask, enabled: bool = True) -> None:
    app.config.update(WTF_CSRF_ENABLED=enabled, WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)
    app.before_request(_check)
    app.register_error_handler(CSRFError, _refused)

"""Declare an API route with its request and response models.

The decorator parses and validates the JSON body (400 naming each bad field), turns the
view's return value into JSON, and registers the route for ``/api/openapi.json``, so the
spec is generated from the same models that validate and serialise.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, TypeAdapter, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from oncall.services.errors import Invalid


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    body: type[BaseModel] | None
    response: Any
    status: int
    query: type[BaseModel] | None
    tag: str
    csv: bool = False  # the view may also answer text/csv (``?format=csv``)


OPERATIONS: list[Operation] = []


def validation_details(exc: ValidationError, prefix: str = "") -> list[dict]:
    details = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "body"
        message = err["msg"].removeprefix("Value error, ")
        details.append({"field": prefix + field, "message": message})
    return details


def _invalid(details: list[dict]) -> Invalid:
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
    return Invalid(f"invalid request: {summary}", details)


def json_body() -> Any:
    """The request body as JSON, or a 400 that says why it is not."""
    try:
        data = request.get_json(force=True, silent=False)
    except RecursionError:
        raise Invalid.field("body", "JSON nested too deeply") from None
    except RequestEntityTooLarge:
        raise  # keeps its 413
    except Exception:
        raise Invalid.field("body", "not valid JSON") from None
    return data


def _nul_at(value: Any, path: str = "", depth: int = 0) -> str | None:
    """Where a string with a NUL character is (a dotted path), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if depth > 64:
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return where
        found = _nul_at(item, where, depth + 1)
        if found is not None:
            return found
    return None


def _refuse_nul(data: Any, prefix: str = "") -> None:
    """PostgreSQL cannot store a NUL character (SQLite can): a 400 on both, not a database error."""
    where = _nul_at(data)
    if where is not None:
        raise Invalid.field(prefix + (where or "body"), "must not contain NUL (\\u0000) characters")


def parse_body(model: type[BaseModel]) -> BaseModel:
    data = json_body()
    if not isinstance(data, dict):
        raise Invalid.field("body", "must be a JSON object")
    _refuse_nul(data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(validation_details(exc)) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    args = request.args.to_dict()
    _refuse_nul(args)
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        raise _invalid(validation_details(exc)) from None


def _dumper(response_type: Any) -> Callable[[Any], Any]:
    """Built once at import: validating from attributes, then dumping as JSON types."""
    if response_type is None:
        return lambda value: value
    adapter = TypeAdapter(response_type)
    return lambda value: None if value is None else adapter.dump_python(
        adapter.validate_python(value, from_attributes=True), mode="json")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def endpoint(bp: Blueprint, rule: str, method: str, *, summary: str, body: type[BaseModel] | None = None,
             response: Any = None, status: int = 200, query: type[BaseModel] | None = None,
             prefix: str = "/api/v1", csv: bool = False) -> Callable:
    dump = _dumper(response)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            if body is not None:
                kwargs["data"] = parse_body(body)
            if query is not None:
                kwargs["params"] = parse_query(query)
            result = view(**kwargs)
            if isinstance(result, Response):  # another representation the view chose, e.g. ?format=csv
                return result
            if status == 204:
                return "", 204
            return jsonify(dump(result)), status

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method])
        OPERATIONS.append(Operation(prefix + _openapi_path(rule), method.lower(), summary, body, response,
                                    status, query, bp.name, csv))
        return wrapper

    return decorator

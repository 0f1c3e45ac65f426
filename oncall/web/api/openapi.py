"""``GET /api/openapi.json``: the spec generated from the registered operations."""
from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import TypeAdapter

from oncall.web.api.endpoint import OPERATIONS
from oncall.web.urlids import MAX_ID

bp = Blueprint("openapi", __name__)

_ERROR = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}},
    },
}


def _schema(target, components: dict) -> dict:
    schema = TypeAdapter(target).json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    return schema


def _request_schema(model, components: dict) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    return schema


def _parameters(op, components: dict) -> list[dict]:
    params = []
    for name in [seg[1:-1] for seg in op.path.split("/") if seg.startswith("{")]:
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}})
    if op.query is not None:
        schema = _request_schema(op.query, components)
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in schema.get("required", []),
                           "schema": prop})
    return params


def build_spec() -> dict:
    components: dict = {"Error": _ERROR}
    paths: dict = {}
    for op in OPERATIONS:
        responses: dict = {
            "400": {"description": "invalid request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "401": {"description": "missing or wrong token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "409": {"description": "conflict", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "413": {"description": "body too large", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        }
        if op.status == 204:
            responses["204"] = {"description": "done"}
        else:
            content = {}
            if op.response is not None:
                content = {"application/json": {"schema": _schema(op.response, components)}}
            if op.csv:
                content["text/csv"] = {"schema": {"type": "string"}}
            responses[str(op.status)] = {"description": "ok", "content": content}
        operation = {
            "summary": op.summary,
            "operationId": f"{op.method}_{op.path}".replace("/", "_").replace("{", "").replace("}", ""),
            "tags": [op.tag],
            "parameters": _parameters(op, components),
            "responses": responses,
            "security": [{"bearer": []}],
        }
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _request_schema(op.body, components)}},
            }
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "oncall API", "version": "1"},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/api/openapi.json")
def openapi_json():
    return jsonify(build_spec())



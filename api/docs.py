"""The API's human-readable documentation: a page rendered on the server from the same OpenAPI
schema as /api/v1/openapi.json, so it needs no script and keeps the strict CSP."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api import problems
from api.views import api

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema):
    """A parameter's type in a few words: `integer (1–100)`, `date`, one of an enum."""
    if "anyOf" in schema:
        kinds = [_type(option) for option in schema["anyOf"] if option.get("type") != "null"]
        return " | ".join(kinds)
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}))}, …]"
    kind = schema.get("format") or schema.get("type", "")
    if "enum" in schema:
        kind = " · ".join(str(value) for value in schema["enum"])
    bounds = [schema.get(key) for key in ("minimum", "maximum")]
    if any(bound is not None for bound in bounds):
        kind += (
            f" ({'' if bounds[0] is None else bounds[0]}–{'' if bounds[1] is None else bounds[1]})"
        )
    return kind


def _enum_values(schema, components):
    if "anyOf" in schema:
        return {**schema, "anyOf": [_enum_values(option, components) for option in schema["anyOf"]]}
    if schema.get("type") == "array":
        return {**schema, "items": _enum_values(schema.get("items", {}), components)}
    if "$ref" in schema:
        return components.get(schema["$ref"].rsplit("/", 1)[-1], schema)
    return schema


def operations(schema):
    components = schema.get("components", {}).get("schemas", {})
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            yield {
                "id": operation["operationId"],
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "required": parameter.get("required", False),
                        "type": _type(_enum_values(parameter.get("schema", {}), components)),
                        "description": parameter.get("description")
                        or parameter.get("schema", {}).get("description", ""),
                    }
                    for parameter in operation.get("parameters", [])
                ],
                "responses": sorted(str(code) for code in operation.get("responses", {})),
            }


@require_safe
def docs_page(request):
    schema = api.get_openapi_schema(path_prefix=reverse("api:docs").removesuffix("docs"))
    context = {
        "operations": list(operations(schema)),
        "problems": problems.PROBLEMS,
        "anonymous_rate": settings.API_ANONYMOUS_RATE,
        "site_url": settings.SITE_URL.rstrip("/"),
        "example": deep_link_example(),
    }
    return render(request, "api/docs.html", context)


def deep_link_example():
    """The deep link's shape, spelled out."""
    return {
        "book": reverse("booking:book", args=[123]) + "?date=2027-03-02&start=10:00&duration=60",
        "room": reverse("room", args=[123]) + "?date=2027-03-02&start=10:00&duration=60",
    }

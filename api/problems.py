"""Errors as RFC 9457 problem details (`application/problem+json`), with translated titles.

Each class of error is one `Problem`: its status, a type that points at the docs page's
section about it, and a title in the request's language. Validation errors list each field
with its name, its label in the request's language and what is wrong with it.
"""

import json
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

CONTENT_TYPE = "application/problem+json"
DOCS_PATH = "/api/v1/docs"


@dataclass(frozen=True)
class Problem:
    code: str
    status: int
    title: str

    @property
    def type(self):
        return f"{DOCS_PATH}#problem-{self.code}"


INVALID = Problem("invalid", 400, _("The request's parameters are not valid."))
BAD_KEY = Problem("bad-key", 401, _("The API key is not valid or has been revoked."))
NOT_FOUND = Problem("not-found", 404, _("There is nothing at this address."))
METHOD = Problem("method", 405, _("This API only answers GET, HEAD and OPTIONS."))
TOO_MANY = Problem("rate-limit", 429, _("Too many requests; wait before trying again."))
SERVER = Problem("server", 500, _("Something went wrong on our side."))

# A parameter whose value carries a control character (NUL, escape …), refused before any
# validation (web.middleware.RequestHygieneMiddleware).
CONTROL_CHARACTER = _("Holds a control character, which no parameter may hold.")

PROBLEMS = [INVALID, BAD_KEY, NOT_FOUND, METHOD, TOO_MANY, SERVER]
BY_STATUS = {problem.status: problem for problem in PROBLEMS}


def problem_response(problem, request=None, *, detail="", errors=None, headers=None):
    body = {"type": problem.type, "title": str(problem.title), "status": problem.status}
    if detail:
        body["detail"] = str(detail)
    if request is not None:
        body["instance"] = request.path
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        content_type=CONTENT_TYPE,
        headers=headers,
    )
    response.problem = problem
    return response


def field_error(field, label, message):
    return {"field": field, "label": str(label) if label else field, "message": str(message)}


def form_errors(form, labels=None):
    """A Django form's errors as the problem's `errors`, fields in the form's order; `labels`
    names the fields that have no label of their own."""
    labels = labels or {}
    errors = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        for message in messages:
            if name == "__all__":
                errors.append({"field": None, "label": None, "message": str(message)})
            else:
                label = (field.label if field else None) or labels.get(name) or name
                errors.append(field_error(name, label, message))
    return errors

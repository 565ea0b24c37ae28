"""web is the bottom layer: every app may use it, so it may use none of them."""

import ast
from pathlib import Path

import web

ABOVE = {
    "accounts",
    "regions",
    "rooms",
    "reservations",
    "demand",
    "waitlist",
    "workspace",
    "api",
    "backoffice",
    "dashboard",
    "health",
    "portal",
    "boms",
}


def test_web_imports_nothing_from_the_apps_above_it():
    offending = []
    for module in Path(web.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            offending += [f"{module.name}: {n}" for n in names if n.split(".")[0] in ABOVE]
    assert offending == []

"""Django's {# #} comment ends on its own line; spread over two it is printed into the page.

base.html once printed one in <head>: its text named an inline <style>, and browsers read
the rest of every page as that style's text, so every page came out blank.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "site-packages" not in path.parts
)
UNCLOSED_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_comment_spans_lines(template):
    assert not UNCLOSED_COMMENT.search(template.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_pages_carry_no_template_comment(client):
    for url in ("/", "/accounts/login/", "/no/such/page/"):
        assert "{#" not in client.get(url).content.decode(), url

"""The Korean catalogues are complete, valid, and compiled as committed.

Korean is the primary language: a message without a Korean text shows English inside the
Korean interface, and a catalogue that does not compile, or a .mo older than its .po, serves
yesterday's texts. Needs GNU gettext (msgfmt, msgattrib), as `make messages` does.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path for path in ROOT.glob("*/locale/ko/LC_MESSAGES/django.po") if ".venv" not in path.parts
) + [ROOT / "locale/ko/LC_MESSAGES/django.po"]

pytestmark = pytest.mark.skipif(
    not shutil.which("msgfmt") or not shutil.which("msgattrib"),
    reason="GNU gettext is not installed (apt-get install gettext)",
)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_its_korean_text(catalogue):
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        missing = [line for line in result.stdout.splitlines() if line.startswith("#: ")]
        assert missing == [], f"{flag}: {missing[:5]}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalogue_compiles_to_the_committed_mo(catalogue, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(catalogue)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert compiled.read_bytes() == catalogue.with_suffix(".mo").read_bytes(), (
        "run `make messages` (or msgfmt) and commit the .mo"
    )


def test_a_message_reads_the_same_in_every_catalogue():
    """Django merges the apps' catalogues into one, the app listed first winning: the same
    English text translated two ways in two apps shows one app's words on the other's pages
    (an e-mail's "from" as a booking's previous status). The same words in two senses take a
    context (pgettext); in one sense, one Korean text."""
    result = subprocess.run(
        ["msgcat", "--no-location", *map(str, CATALOGUES)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    entries = result.stdout.split("\n\n")[1:]  # after the header, which every file has its own of
    differing = [entry.strip() for entry in entries if "#-#-#-#-#" in entry]
    assert differing == [], "\n\n".join(differing[:5])

"""Dutch stays complete: every string in the code is in locale/nl and translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from intranet.core.i18n import compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_dutch_catalogue_is_fully_translated():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue) > 50


def test_placeholders_survive_translation():
    import re

    for entry in polib.pofile(str(PO)).translated_entries():
        wanted = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(re.findall(r"%\(\w+\)s", text)) == wanted, entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (apt install gettext)"
)
def test_catalogue_contains_every_string_in_the_code(tmp_path):
    """Extract afresh into a copy and compare: a new string without Dutch fails here."""
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns(".venv", "var", ".git", "tests", "__pycache__", "node_modules")
    shutil.copytree(ROOT, copy, ignore=skip)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete",
         "--ignore", "tests/*"],
        cwd=copy, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert fresh - committed == set(), "run `make messages` and translate the new strings"


def test_catalogues_compile_in_python(tmp_path):
    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    compiled = compile_catalogues(locale_dirs=[tmp_path])
    assert compiled == [target / "django.mo"]
    mo = polib.mofile(str(target / "django.mo"))
    assert mo.find("Skip to content").msgstr == "Naar de inhoud"
    assert compile_catalogues(locale_dirs=[tmp_path]) == []  # up to date: nothing to do

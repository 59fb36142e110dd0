from __future__ import annotations

from pathlib import Path

import polib


def compile_catalogues(*, locale_dirs: list[Path], force: bool = False) -> list[Path]:
    compiled = []
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled.append(mo_path)
    return compiled

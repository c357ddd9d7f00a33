"""Serve a few files from ``node_modules`` as static files, so nothing built is committed.

``npm ci`` (run by ``./run``) installs them; the finder publishes only the files listed here
under ``vendor/``, not the whole package, so ``collectstatic`` stays small.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

# Static path -> path inside node_modules.
FILES = {
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


def node_modules() -> Path:
    return Path(getattr(settings, "NODE_MODULES", "node_modules"))


class NodeModulesFinder(BaseFinder):
    def check(self, **kwargs) -> list:
        missing = [p for p in FILES.values() if not (node_modules() / p).is_file()]
        if missing:
            return [CheckWarning(f"{', '.join(missing)} not found in {node_modules()}: run `npm ci`",
                                 id="minsheng.W001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        source = FILES.get(path)
        found = str(node_modules() / source) if source and (node_modules() / source).is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for static_path, source in FILES.items():
            full = node_modules() / source
            if full.is_file():
                storage = FileSystemStorage(location=str(full.parent))
                # whitenoise and collectstatic put the file at prefix/name.
                storage.prefix = os.path.dirname(static_path)
                yield full.name, storage

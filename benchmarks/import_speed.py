"""How fast the importer reads plans: each seed as .txt, and rebuilt as .docx and .xlsx.

    .venv/bin/python benchmarks/import_speed.py [-n 5] [--pdf] [--doc]

Prints, per file, the median seconds to read it into a Document, to understand it
(document_to_plan) and for the whole import_file, and seconds per MB of file; then, per gold
document, the median seconds to run all its items through the target extractor (budget 0.5 s). ``--pdf`` and
``--doc`` add LibreOffice-made .pdf/.doc variants (needs soffice). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "ingest"))

import variants  # noqa: E402  (the test helpers that rebuild seeds as .docx/.xlsx)

from minsheng.ingest import api  # noqa: E402
from minsheng.ingest.plan_parser import document_to_plan  # noqa: E402
from minsheng.ingest.quantities import extract_targets  # noqa: E402
from minsheng.ingest.readers import office_reader  # noqa: E402


def _median_time(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _convert(path: Path, target: str, workdir: Path) -> Path | None:
    if office_reader.find_libreoffice() is None:
        print(f"  (no LibreOffice: skipping .{target})")
        return None
    return office_reader.convert_with_libreoffice(path, target, workdir, path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5, help="runs per file (median is reported)")
    parser.add_argument("--pdf", action="store_true", help="also a LibreOffice-made PDF of each seed")
    parser.add_argument("--doc", action="store_true", help="also a LibreOffice-made .doc of each seed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files: list[Path] = []
        for seed in sorted(variants.SEEDS.glob("*.txt")):
            prefix = seed.name[:3]
            doc = variants.seed_document(prefix)
            files.append(seed)
            docx_path = variants.write_docx(doc, work / f"{seed.stem}.docx")
            files.append(docx_path)
            files.append(variants.write_xlsx(doc, work / f"{seed.stem}.xlsx"))
            for flag, target in ((args.pdf, "pdf"), (args.doc, "doc")):
                if flag:
                    converted = _convert(docx_path, target, work / target)
                    if converted:
                        files.append(converted)

        header = f"{'file':<28}{'KB':>8}{'blocks':>8}{'read s':>9}{'parse s':>9}{'import s':>10}{'s/MB':>9}"
        print(header)
        print("-" * len(header))
        total_bytes = 0
        total_seconds = 0.0
        for path in files:
            size = path.stat().st_size
            doc = api.read_document(path)
            read_s = _median_time(lambda p=path: api.read_document(p), args.n)
            parse_s = _median_time(lambda d=doc: document_to_plan(d), args.n)
            import_s = _median_time(lambda p=path: api.import_file(p), args.n)
            total_bytes += size
            total_seconds += import_s
            print(
                f"{path.name[:27]:<28}{size / 1024:>8.1f}{len(doc.blocks):>8}{read_s:>9.3f}{parse_s:>9.3f}"
                f"{import_s:>10.3f}{import_s / (size / 1024 / 1024):>9.2f}"
            )
        print("-" * len(header))
        print(
            f"{len(files)} files, {total_bytes / 1024:.0f} KB: {total_seconds / len(files):.3f} s per document, "
            f"{total_seconds / (total_bytes / 1024 / 1024):.2f} s per MB (median of {args.n} runs each)"
        )

    _field_functions(args.n)


def _field_functions(n: int) -> None:
    """The target extractor alone over each hand-checked gold document's items (name and content)."""
    print()
    print(f"{'gold document':<40}{'items':>7}{'targets s':>11}")
    for path in sorted((ROOT / "tests" / "data" / "gold").glob("*.json")):
        projects = json.loads(path.read_text())["projects"]
        texts = [p["name"] + ("。" + p["content"] if p["content"] else "") for p in projects]
        seconds = _median_time(lambda ts=texts: [extract_targets(t) for t in ts], n)
        print(f"{path.stem[:39]:<40}{len(texts):>7}{seconds:>11.3f}")


if __name__ == "__main__":
    main()

"""Legacy and foreign office formats (.doc, .wps, .xls, .et, .rtf, .odt, .ods, Word-saved HTML).

No Python library reads binary Word 97 or WPS files reliably, so they are converted to .docx
(spreadsheets to .xlsx) by LibreOffice in headless mode and then read like any other
.docx/.xlsx; merged cells survive the conversion as vMerge/gridSpan and merged ranges.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from ..document import Document, IngestError
from ..limits import Budget
from .docx_reader import read_docx
from .xlsx_reader import read_xlsx

# Converting a long plan takes a few seconds; a file that keeps LibreOffice busy for minutes is
# either hostile or broken, and the user is better served by an error than by a hung upload.
LIBREOFFICE_TIMEOUT = 120.0

_profile_lock = threading.Lock()
_profile_dir: str | None = None


def find_libreoffice() -> str | None:
    """Path of the LibreOffice executable, or None when it is not installed."""
    for exe in ("soffice", "libreoffice"):
        found = shutil.which(exe)
        if found:
            return found
    return None


def has_component(module: str) -> bool:
    """Whether the installed LibreOffice has a component ("sw" Writer, "sc" Calc).

    Distributions split LibreOffice into packages (libreoffice-writer-nogui has no Calc); the
    component's core library sits next to the soffice binary.
    """
    exe = find_libreoffice()
    if exe is None:
        return False
    program = Path(os.path.realpath(exe)).parent
    return (program / f"lib{module}lo.so").exists() or (program / f"{module}lo.dll").exists() or not any(
        program.glob("lib*lo.so")
    )


def _profile() -> str:
    # LibreOffice refuses to run twice on one user profile, and creating a fresh profile costs
    # seconds; so each process keeps one private profile and conversions in it take turns.
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = tempfile.mkdtemp(prefix="minsheng-lo-profile-")
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def convert_with_libreoffice(
    path: Path, target: str, workdir: Path, display: str, timeout: float | None = None
) -> Path:
    """Convert ``path`` to ``target`` ("docx" or "xlsx") inside ``workdir``; return the new file."""
    exe = find_libreoffice()
    if exe is None:
        raise IngestError(
            f"“{display}”是旧版Office/WPS格式，需要服务器安装LibreOffice才能转换读取，"
            "但当前未安装。请将文件另存为.docx或.xlsx后再上传，或联系管理员安装LibreOffice。"
        )
    timeout = LIBREOFFICE_TIMEOUT if timeout is None else timeout
    outdir = workdir / "out"
    outdir.mkdir(parents=True, exist_ok=True)
    with _profile_lock:
        profile = Path(_profile()).as_uri()
        cmd = [
            exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile}",
            "--convert-to", target, "--outdir", str(outdir), str(path),
        ]
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise IngestError(f"无法启动LibreOffice转换“{display}”：{exc.strerror or exc}") from exc
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            # soffice forks helpers; end the whole group it leads (only what this call started).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise IngestError(
                f"用LibreOffice转换“{display}”超时（超过{int(timeout)}秒），文件可能过大或已损坏。"
            ) from exc
    produced = outdir / f"{path.stem}.{target}"
    if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
        if target == "xlsx" and not has_component("sc"):
            raise IngestError(
                f"“{display}”是旧版Excel/WPS表格，但服务器上的LibreOffice没有安装电子表格组件(Calc)，"
                "无法转换。请将文件另存为.xlsx后再上传，或联系管理员安装libreoffice-calc。"
            )
        detail = err.decode("utf-8", "replace").strip().splitlines()
        detail = [d for d in detail if "javaldx" not in d]
        raise IngestError(
            f"LibreOffice无法转换“{display}”，文件可能已损坏或不是Office文档"
            + (f"（{detail[-1][:200]}）" if detail else "")
            + "。"
        )
    return produced


def read_office(
    path: Path, name: str | None = None, spreadsheet: bool = False, budget: Budget | None = None
) -> Document:
    """Read a legacy office file by converting it with LibreOffice; ``spreadsheet`` picks .xlsx."""
    display = name or Path(path).name
    budget = budget or Budget(display=display)
    target = "xlsx" if spreadsheet else "docx"
    with tempfile.TemporaryDirectory(prefix="minsheng-lo-") as tmp:
        workdir = Path(tmp)
        # A plain ASCII copy: the upload's own name may hold characters or dots that confuse
        # LibreOffice's output naming, and the original file must not be touched.
        suffix = Path(display).suffix.lower()
        if not suffix.isascii() or len(suffix) > 6:
            suffix = ".xls" if spreadsheet else ".doc"
        source = workdir / f"input{suffix}"
        try:
            shutil.copyfile(path, source)
        except OSError as exc:
            raise IngestError(f"无法读取文件“{display}”：{exc.strerror or exc}") from exc
        # Within the time left, so that LibreOffice is ended here (it runs in a session of its
        # own) rather than orphaned when the whole reading process is stopped.
        timeout = min(LIBREOFFICE_TIMEOUT, max(0.5, budget.remaining() - 1.0))
        converted = convert_with_libreoffice(source, target, workdir, display, timeout=timeout)
        # What LibreOffice wrote can be as inflated as any uploaded package.
        from ..limits import scan_package

        scan_package(converted, budget)
        reader = read_xlsx if spreadsheet else read_docx
        document = reader(converted, name=display, budget=budget)
    return document

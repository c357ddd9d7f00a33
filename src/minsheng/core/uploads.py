"""Every uploaded file is checked here, before anything is written: photos are decoded, documents opened.

A first-bytes check lets through a PNG signature followed by anything, and a small file that
decodes to gigabytes of pixels. So a photo is opened with Pillow, verified, re-opened and fully
decoded under a pixel cap checked from its header first; a document is opened with the library
that reads its format, after its zip container (Word, Excel) is checked for an absurd unpacked size.
Reports, rectification evidence and citizens' appeals all use these functions.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
# A 12-megapixel phone photo is far below; a decompression bomb (20000 × 20000 of one colour, a
# few hundred kilobytes on disk) is far above.
MAX_PIXELS = 40_000_000
# What a Word or Excel file may unpack to, in total and per compressed byte (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200

PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


class UploadRejected(ValueError):
    """An upload that is not what it must be; the message is for the user."""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed its check, with what it really is."""

    upload: UploadedFile
    kind: str  # "photo" or "file"
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None

    @property
    def name(self) -> str:
        return (self.upload.name or "")[:200]

    @property
    def size(self) -> int:
        return self.upload.size

    def storage_name(self) -> str:
        """A random name on disk: the user's file name is kept in the record, never in a path."""
        return f"{secrets.token_hex(12)}.{self.extension}"


def _mb(n: int) -> int:
    return n // 1024 // 1024


def check_photo(upload: UploadedFile, max_bytes: int = MAX_PHOTO_BYTES,
                max_pixels: int = MAX_PIXELS) -> CheckedUpload:
    """A JPEG, PNG or WebP that decodes completely, within the byte and pixel caps."""
    name = upload.name or ""
    if upload.size > max_bytes:
        raise UploadRejected(_("照片“%(name)s”超过 %(mb)d MB，请压缩后再上传") % {"name": name, "mb": _mb(max_bytes)})
    not_a_photo = UploadRejected(_("“%(name)s”不是可识别的照片（仅支持 JPEG、PNG、WebP），请上传现场照片原图")
                                 % {"name": name})
    too_many_pixels = UploadRejected(_("照片“%(name)s”像素过多（超过 %(n)d 万像素），请缩小后再上传")
                                     % {"name": name, "n": max_pixels // 10000})
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; here any bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
                kind, (width, height) = image.format, image.size
                if kind not in PHOTO_FORMATS:
                    raise not_a_photo
                # Checked from the header, before a single pixel is decoded.
                if width * height * getattr(image, "n_frames", 1) > max_pixels:
                    raise too_many_pixels
                image.verify()
            # verify() leaves the image unusable and does not decode everything (JPEG): decode it.
            upload.seek(0)
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
                image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels from exc
    except Exception as exc:  # Pillow raises many types for "not an image"; all mean the same here
        raise not_a_photo from exc
    finally:
        upload.seek(0)
    content_type, extension = PHOTO_FORMATS[kind]
    return CheckedUpload(upload, "photo", content_type, extension, width, height)


def _read(upload: UploadedFile) -> bytes:
    upload.seek(0)
    try:
        return upload.read()
    finally:
        upload.seek(0)


def _zip_kind(data: bytes, name: str) -> str | None:
    """docx or xlsx from the parts inside the container, or None; refuses a zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
                raise UploadRejected(_("“%(name)s”解压后过大，无法接收") % {"name": name})
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _open_pdf(data: bytes) -> None:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    # Reading the cross-reference table and the trailer is enough to know it is a PDF; pages
    # are not rendered.
    PDFDocument(PDFParser(io.BytesIO(data)))


def _open_docx(data: bytes) -> None:
    import docx

    docx.Document(io.BytesIO(data))


def _open_xlsx(data: bytes) -> None:
    from openpyxl import load_workbook

    load_workbook(io.BytesIO(data), read_only=True).close()


DOCUMENTS = {"pdf": (PDF, _open_pdf), "docx": (DOCX, _open_docx), "xlsx": (XLSX, _open_xlsx)}


def check_document(upload: UploadedFile, max_bytes: int = MAX_FILE_BYTES) -> CheckedUpload:
    """A PDF, Word (.docx) or Excel (.xlsx) file that its own library opens."""
    name = upload.name or ""
    if upload.size > max_bytes:
        raise UploadRejected(_("文件“%(name)s”超过 %(mb)d MB") % {"name": name, "mb": _mb(max_bytes)})
    not_a_document = UploadRejected(_("“%(name)s”不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件") % {"name": name})
    data = _read(upload)
    kind = "pdf" if data.startswith(b"%PDF-") else _zip_kind(data, name) if data.startswith(b"PK\x03\x04") else None
    if kind is None:
        raise not_a_document
    content_type, opener = DOCUMENTS[kind]
    try:
        opener(data)
    except Exception as exc:  # each library has its own errors for a damaged or disguised file
        raise UploadRejected(_("“%(name)s”已损坏或无法打开，请检查后重新上传") % {"name": name}) from exc
    return CheckedUpload(upload, "file", content_type, kind)


def check_upload(upload: UploadedFile, kind: str) -> CheckedUpload:
    """``kind`` is "photo" or "file" (a document)."""
    if kind == "photo":
        return check_photo(upload)
    if kind == "file":
        return check_document(upload)
    raise ValueError(f"unknown upload kind {kind!r}")


class StoredFiles:
    """The files one transaction writes for its records, so that they can go if it does not commit."""

    def __init__(self) -> None:
        self.written: list[tuple[object, str]] = []

    def save(self, field_file, checked: CheckedUpload) -> None:
        """Write ``checked`` into ``field_file`` under a random name; the record is saved by the caller."""
        field_file.save(checked.storage_name(), checked.upload, save=False)
        self.written.append((field_file.storage, field_file.name))


@contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """Wrap the transaction that writes files: if it raises (or its commit fails), they are deleted.

    Used outside ``transaction.atomic()`` (``with stored_files() as files, transaction.atomic():``),
    so a refused save (a stale version, a figure error) never leaves a file behind.
    """
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        for storage, name in files.written:
            storage.delete(name)
        raise

"""core.uploads: photos are decoded and documents opened before anything is stored."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minsheng.core.uploads import DOCX, PDF, XLSX, UploadRejected, check_document, check_photo
from tests.helpers import png


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid single-colour greyscale PNG of width × height: 400 million pixels, under 400 KB on disk.

    Its pixel data is one block of rows compressed once and repeated: after a full flush a deflate
    stream starts afresh, so the same rows compress to the same bytes each time.
    """
    rows = 1000
    assert height % rows == 0
    block = b"\x00" * ((width + 1) * rows)  # each row: filter byte 0, then black pixels
    deflate = zlib.compressobj(9)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert first[2:] == again  # the same bytes, less the zlib header
    total = (width + 1) * height
    # Adler-32 of n zero bytes: a stays 1, b grows by 1 per byte.
    adler = ((total % 65521) << 16) | 1
    stream = first + again * (height // rows - 1) + b"\x03\x00" + struct.pack(">I", adler)  # empty final block
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_the_bomb_helper_makes_a_real_image():
    small = bomb_png(300, 2000)
    with Image.open(io.BytesIO(small)) as image:
        image.load()
        assert image.size == (300, 2000) and image.getextrema() == (0, 0)


@pytest.mark.parametrize("name", ["tests.helpers.png()", "tests.browser.staff.PNG", "tests.security.world.PNG"])
def test_the_photos_tests_upload_as_valid_really_decode(name):
    """A fixture that only looks like a photo would test the refusal path while claiming the happy one."""
    from tests.browser import staff
    from tests.security import world

    data = {"tests.helpers.png()": png(), "tests.browser.staff.PNG": staff.PNG, "tests.security.world.PNG": world.PNG}
    with Image.open(io.BytesIO(data[name])) as image:
        image.verify()
    with Image.open(io.BytesIO(data[name])) as image:
        image.load()
        assert image.format == "PNG"


def test_a_real_photo_passes_with_its_true_type_and_size():
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(jpeg, "JPEG")
    checked = check_photo(upload("现场.png", jpeg.getvalue()))  # named .png, is a JPEG
    assert (checked.content_type, checked.extension, checked.width, checked.height) == ("image/jpeg", "jpg", 64, 48)
    assert checked.storage_name().endswith(".jpg") and "现场" not in checked.storage_name()
    assert check_photo(upload("a.png", png())).content_type == "image/png"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = bomb_png()
    assert len(bomb) < 1024 * 1024  # small on disk: the byte cap alone would let it through
    with pytest.raises(UploadRejected, match="像素过多"):
        check_photo(upload("bomb.png", bomb))


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # the signature a magic-byte check looked for, then garbage
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 100,
    png((200, 150))[:300],  # a real PNG cut short
    b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # a JPEG signature, then nothing
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"MZ\x90\x00 a windows program",
])
def test_anything_that_does_not_decode_is_not_a_photo(data):
    with pytest.raises(UploadRejected, match="不是可识别的照片"):
        check_photo(upload("photo.png", data))


def test_a_photo_over_the_byte_cap_is_refused_first():
    with pytest.raises(UploadRejected, match="超过 1 MB"):
        check_photo(upload("big.png", png() + b"\x00" * (1024 * 1024)), max_bytes=1024 * 1024)


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("整改台账")
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, "PDF")
    return out.getvalue()


def test_documents_are_recognised_by_what_opens_them():
    assert check_document(upload("a.docx", _docx())).content_type == DOCX
    assert check_document(upload("a.xlsx", _xlsx())).content_type == XLSX
    checked = check_document(upload("报告.docx", _pdf()))  # named .docx, is a PDF
    assert (checked.content_type, checked.extension) == (PDF, "pdf")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7 and then nothing a PDF reader can use", "已损坏或无法打开"),
    (b"PK\x03\x04 a zip signature and garbage", "不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件"),
    (_zip({"readme.txt": b"just a zip"}), "不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件"),
    (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"not xml at all"}), "已损坏或无法打开"),
    (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b" " * (50 * 1024 * 1024)}), "解压后过大"),
    (b"MZ\x90\x00 a windows program", "不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件"),
])
def test_documents_that_do_not_open_are_refused(data, message):
    with pytest.raises(UploadRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_document(upload("材料.docx", data))


@pytest.mark.django_db
def test_files_written_in_a_transaction_that_fails_are_removed(settings, tmp_path):
    from django.db import transaction

    from minsheng.appeals.models import AppealPhoto
    from minsheng.core.uploads import stored_files

    settings.MEDIA_ROOT = tmp_path / "media"
    checked = check_photo(upload("现场.png", png()))
    photo = AppealPhoto()  # its folder does not depend on a parent record
    with pytest.raises(RuntimeError), stored_files() as files, transaction.atomic():
        files.save(photo.file, checked)
        assert (tmp_path / "media" / photo.file.name).is_file()
        raise RuntimeError("the save was refused after the file was written")
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*"))

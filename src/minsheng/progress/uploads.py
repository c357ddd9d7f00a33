"""What an attachment really is, from its first bytes: a renamed .exe is not a photo."""

from __future__ import annotations

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024

PHOTO_TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}
FILE_TYPES = {
    "application/pdf": (b"%PDF-",),
    # .docx and .xlsx are zip containers
    "application/zip": (b"PK\x03\x04",),
}


class UploadRejected(ValueError):
    pass


def sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for kind, magics in {**PHOTO_TYPES, **FILE_TYPES}.items():
        if any(head.startswith(m) for m in magics):
            return kind
    return None


def check_upload(name: str, size: int, head: bytes, kind: str) -> str:
    """The real content type of an upload, or UploadRejected with a message for the user."""
    real = sniff(head)
    if kind == "photo":
        if real not in ("image/jpeg", "image/png", "image/webp"):
            raise UploadRejected(f"“{name}”不是 JPEG/PNG/WebP 图片，请上传现场照片原图")
        if size > MAX_PHOTO_BYTES:
            raise UploadRejected(f"照片“{name}”超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB，请压缩后再上传")
        return real
    if real not in ("application/pdf", "application/zip"):
        raise UploadRejected(f"“{name}”不是 PDF、Word(.docx) 或 Excel(.xlsx) 文件")
    if size > MAX_FILE_BYTES:
        raise UploadRejected(f"文件“{name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
    return real

"""Checking a photo by its content, not its name: a renamed .exe stays out whatever it is called."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from minsheng.core import uploads as upload_checks

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4
MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo is far below; a decompression bomb is far above


class PhotoError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    extension: str
    width: int
    height: int

    def storage_name(self) -> str:
        return f"{secrets.token_hex(12)}.{self.extension}"


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    """Decoded like every other upload (core.uploads), within the message board's own size caps."""
    try:
        checked = upload_checks.check_photo(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    except upload_checks.UploadRejected as exc:
        raise PhotoError(str(exc)) from exc
    return CheckedPhoto(upload, checked.content_type, checked.extension, checked.width, checked.height)


def check_photos(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise PhotoError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
    return [check_photo(u) for u in uploads]

"""Checking a photo by its content, not its name: a renamed .exe stays out whatever it is called."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4
MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo is far below; a decompression bomb is far above
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


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
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise PhotoError(_("照片「%(name)s」超过 5 MB，请压缩后再上传。") % {"name": name})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(_("照片「%(name)s」像素过多。") % {"name": name})
            image.verify()
    except PhotoError:
        raise
    except Exception as exc:  # Pillow raises many types for "not an image"; all mean the same here
        raise PhotoError(_("「%(name)s」不是可识别的照片（仅支持 JPEG、PNG、WebP）。") % {"name": name}) from exc
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise PhotoError(_("「%(name)s」的格式不受支持（仅支持 JPEG、PNG、WebP）。") % {"name": name})
    content_type, extension = FORMATS[kind]
    return CheckedPhoto(upload, content_type, extension, width, height)


def check_photos(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise PhotoError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
    return [check_photo(u) for u in uploads]

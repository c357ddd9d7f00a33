"""Checking a photo by its content, not its name: a renamed .exe stays out whatever it is called."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from minsheng.core import uploads as upload_checks

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4

# What core.uploads returns for a photo (content type, extension, size, a random storage name).
CheckedPhoto = upload_checks.CheckedUpload


class PhotoError(ValueError):
    pass


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    """Decoded like every other upload (core.uploads, its pixel cap too), within the message board's size cap."""
    try:
        return upload_checks.check_photo(upload, max_bytes=MAX_BYTES)
    except upload_checks.UploadRejected as exc:
        raise PhotoError(str(exc)) from exc


def check_photos(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise PhotoError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
    return [check_photo(u) for u in uploads]

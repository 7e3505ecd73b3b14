"""Uploaded import files, kept under MEDIA_ROOT with the batch that imported them (pages and
API alike)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename


def keep_upload(upload) -> Path:
    """The uploaded file under MEDIA_ROOT/imports/<random>/<its name>, written chunk by chunk;
    only its base name is used, so nothing is written outside MEDIA_ROOT."""
    folder = Path(settings.MEDIA_ROOT) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    try:
        name = get_valid_filename(Path(upload.name or "").name)
    except SuspiciousFileOperation:  # "", ".", "..", "@@@"
        name = "tep"
    path = folder / name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def stored_name(path: Path) -> str:
    """What ImportBatch.source_file records: the path relative to MEDIA_ROOT."""
    return path.relative_to(settings.MEDIA_ROOT).as_posix()


def discard(path: Path) -> None:
    """Remove a kept file that no batch holds (the import was refused before it began)."""
    shutil.rmtree(path.parent, ignore_errors=True)


def source_response(batch):
    """The file ``batch`` imported, as uploaded, to download under its original name (404
    when it was not kept or is missing on disk). Whoever asks must be allowed to see the
    batch (commendation.permissions.get_batch_for_user)."""
    from django.http import FileResponse, Http404

    if not batch.source_file:
        raise Http404("Lần nhập này không lưu tệp gốc.")
    try:
        handle = batch.source_file.open("rb")
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp gốc.") from None
    return FileResponse(handle, as_attachment=True, filename=batch.file_name)

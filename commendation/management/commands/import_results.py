"""``thidua import_results FILE --year 2024 [--scope UNIT_CODE] [--user admin]``.

Imports one file of member results through ``services.imports.import_person_results``, with
a text progress bar on stderr. Exit code 0 when the file is saved, 1 when it is rejected
(nothing saved; the first 20 errors and the total are printed)."""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commendation.models import ImportBatch
from commendation.services.imports import import_person_results
from core.exceptions import RuleViolation
from core.templatetags.vn import format_number
from organizations.models import Unit

SHOWN_ERRORS = 20
BAR_WIDTH = 30


class ProgressBar:
    """``[#########.............]  31%  175.000 / ≈560.000 dòng`` redrawn on one line."""

    def __init__(self, stream, *, every: float = 0.2) -> None:
        self.stream = stream
        self.every = every
        self.shown_at = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.shown_at < self.every:
            return
        self.shown_at = now
        share = done / total if total else 0
        filled = int(BAR_WIDTH * share)
        approx = "" if done >= total else "≈"
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}  "
            f"{format_number(done)} / {approx}{format_number(total)} dòng",
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Nhập kết quả xếp loại chất lượng đảng viên của một năm từ tệp CSV (UTF-8) hoặc "
        ".xlsx: lưu cả tệp hoặc không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .csv (UTF-8) hoặc .xlsx")
        parser.add_argument("--year", type=int, required=True, help="năm xếp loại")
        parser.add_argument("--scope", default="", help="mã đơn vị: chỉ nhận đơn vị thuộc đó")
        parser.add_argument("--user", default="", help="tên đăng nhập người nhập")

    def handle(self, *args, file, year, scope, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp “{file}”.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có người dùng “{user}”.")
        scope_unit = None
        if scope:
            scope_unit = Unit.objects.filter(code=scope).first()
            if scope_unit is None:
                raise CommandError(f"Không có đơn vị mã “{scope}”.")
        bar = ProgressBar(self.stderr)
        try:
            batch = import_person_results(
                path, year=year, actor=actor, file_name=path.name, scope=scope_unit, progress=bar
            )
        except RuleViolation as refused:
            raise CommandError(refused.message) from None
        finally:
            bar.close()
        if batch.status == ImportBatch.Status.DONE:
            self.stdout.write(
                f"Đã nhập {format_number(batch.total_rows)} kết quả xếp loại năm {year} "
                f"(lần nhập số {batch.pk})."
            )
            return
        self.stdout.write(
            f"Tệp bị từ chối, không lưu gì (lần nhập số {batch.pk}): "
            f"{format_number(batch.rejected_rows)} dòng lỗi."
        )
        for error in batch.errors[:SHOWN_ERRORS]:
            where = f"Dòng {error['row']}" if error["row"] else "Tệp"
            column = f", cột “{error['column']}”" if error["column"] else ""
            self.stdout.write(f"  {where}{column}: {error['message']}")
        if len(batch.errors) > SHOWN_ERRORS:
            self.stdout.write(
                f"  … (chỉ hiện {SHOWN_ERRORS} lỗi đầu; tổng cộng "
                f"{format_number(batch.rejected_rows)} dòng lỗi)"
            )
        raise SystemExit(1)

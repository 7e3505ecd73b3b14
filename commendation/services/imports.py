"""Bulk import of member-level classification results (issue 4 §1, "Bulk import").

Rules:
- one file (CSV in UTF-8, with or without BOM, or .xlsx) holds the results of one year; it is
  saved whole or not at all: a single bad row rejects the file, the batch is marked REJECTED
  with every rejected row counted (``rejected_rows``) and the first ``MAX_STORED_ERRORS``
  errors kept as ``{"row", "column", "message"}`` (row = the row number a spreadsheet shows);
- columns are found by their Vietnamese headers in any order, ignoring case and accents
  ("MA DANG VIEN" = "Mã đảng viên"); the header is the first row, among the first
  ``HEADER_SEARCH_ROWS``, that has a "Mã đảng viên" cell (title rows above it are skipped);
  unknown columns (STT, ghi chú...) are ignored, and a row whose known cells are all empty
  is skipped;
- "Mã đảng viên", "Mã đơn vị" and "Xếp loại" are required. "Mã đơn vị" is the unit the
  member belonged to at the time (the chi bộ or grassroots organization); it must exist in
  that year and, when the import has a scope, be under the scope by the parent chain in force
  on 31 December of the year;
- "Họ và tên", when given, must be the member's name after NFC and case folding: a different
  name usually means the wrong member code, so the row is refused (not merely warned about);
- "Xếp loại" in any common spelling (``rules.parse_level``); "Điểm" with a comma or a point;
  level and score are checked together by ``rules.check_level`` under the year's rule set
  (366: the bands, a score required); "Tiêu biểu" ("x", "có", empty) only with HTXSNV;
  "Năm", when given, must be the imported year; "Nhóm" is the comparison group of the quota;
- optional "Điều kiện loại trừ": the rule set's disqualifiers that apply to the member that
  year, by code or wording ("ky-luat", "Bị kỷ luật…", several separated by ";"); they let
  ``check_level`` accept a level below the score's band (366: a disciplined member is KHTNV
  whatever the score) and are saved with the result; unknown ones are refused;
- optional "Đơn vị đề xuất" and "Cấp ủy quyết định" (unit codes, existing that year and,
  with a scope, under it) and "Ngày quyết định" (dd/mm/yyyy, in the year or the next): who
  proposed the result, which committee decided it and when;
- a member may appear once per file, and a member who already has a result for the year is
  refused: re-importing means removing the old batch first (there is no silent replace);
- the saved rows carry the year's rule set and the batch; one audit entry records the batch
  (not one per row).

How (national scale, ~5.6 million rows a year; see BENCHMARKS.md):
- the file is read in chunks (``CHUNK_ROWS`` rows, or ``RAW_BLOCK_BYTES`` of CSV) and staged
  into a TEMP table, never held whole in memory. On PostgreSQL a well-formed CSV is passed
  to ``COPY ... FROM STDIN (FORMAT csv)`` block by block without being parsed in Python;
  a file COPY cannot read (blank lines inside, ragged rows, bad bytes) is staged again through
  Python's csv module, which also reports those rows. SQLite and .xlsx always go through
  Python (``executemany`` or ``COPY`` rows per chunk). An .xlsx is read with openpyxl in
  read-only mode (its shared-strings table is still loaded whole by openpyxl);
- validation is set-based: each distinct level, score, year, "tiêu biểu", disqualifier and
  date value is parsed once in Python into a small mapping table (one scan of the staged rows
  on PostgreSQL), each distinct (level, score, disqualifiers) combination is judged once by
  ``check_level``, and the staged rows are joined to members, units and these maps. A clean
  file is saved by one INSERT ... SELECT of the rows without any problem (the fast path):
  when it saved every staged row, the file is done. Otherwise (a problem, a name that
  differs byte for byte, or a duplicate or a stored result hitting the unique constraint
  (person, year)) it is rolled back to a savepoint and the full check runs: the same join
  into a resolved table with a bitmask of problems per row, duplicates and stored results
  looked up explicitly, so that every rejected row is reported (or the file saved when the
  names only differ in case or Unicode form). A rejected national file costs one join and
  insert more than a clean one;
- on PostgreSQL, when the database role may set ``session_replication_role``, the final
  INSERT skips the per-row foreign-key triggers: every key was just checked by the joins,
  and ``SHARE`` locks on the member and unit tables, taken before the checks and held to the
  commit, keep them valid (members and units cannot be changed meanwhile). Without that
  privilege the triggers run (correct, slower). ``SKIP_FK_TRIGGERS`` turns this off.

Progress: the batch row is created and committed first; staging runs outside the write
transaction (TEMP tables only), and after each chunk ``processed_rows`` (and ``total_rows``,
an estimate from the bytes read until the end) is written with an UPDATE that commits at once
in autocommit mode, so a page polling the batch sees it on both PostgreSQL and SQLite (on
SQLite no write lock is held while staging, as only TEMP tables are written). Validation and
saving then run in one transaction; at its end the counts are final. Called inside an outer
transaction (a test, ATOMIC_REQUESTS) the progress is only visible to that transaction; the
``progress(processed, total)`` callback is always called.
"""

# SQL here is built from this module's constants, the models' quoted metadata and column
# indexes (c0, c1...): no text from the file or the user reaches it except as parameters.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from commendation.models import ImportBatch, Person, PersonClassification, RuleSet
from commendation.services import rules
from commendation.services.quota import subtree_ids
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.numbers import parse_decimal
from core.text import name_key, normalize, search_key
from organizations.models import Unit, UnitVersion

MAX_STORED_ERRORS = 1000
CHUNK_ROWS = 50_000
RAW_BLOCK_BYTES = 4 * 1024 * 1024
HEADER_SEARCH_ROWS = 20
SKIP_FK_TRIGGERS = True
TEMP_BUFFERS = "512MB"
ORDER_BY_PERSON = True
MAX_GROUP_LENGTH = PersonClassification._meta.get_field("group").max_length
MAX_DISQUALIFIERS_LENGTH = PersonClassification._meta.get_field("disqualifiers").max_length

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column("code", "Mã đảng viên", ("ma dang vien", "ma dv", "ma so dang vien"), True),
    Column("name", "Họ và tên", ("ho va ten", "ho ten")),
    Column("unit", "Mã đơn vị", ("ma don vi", "ma chi bo", "ma to chuc co so dang"), True),
    Column("year", "Năm", ("nam", "nam xep loai")),
    Column("level", "Xếp loại", ("xep loai", "xep loai chat luong", "muc xep loai"), True),
    Column("score", "Điểm", ("diem", "diem danh gia", "tong diem")),
    Column("exemplary", "Tiêu biểu", ("tieu bieu",)),
    Column("group", "Nhóm", ("nhom", "nhom so sanh")),
    Column(
        "disqualifiers",
        "Điều kiện loại trừ",
        ("dieu kien loai tru", "loai tru", "ky luat", "ma dieu kien loai tru"),
    ),
    Column("proposed_by", "Đơn vị đề xuất", ("don vi de xuat", "ma don vi de xuat")),
    Column(
        "decided_by",
        "Cấp ủy quyết định",
        ("cap uy quyet dinh", "cap quyet dinh", "don vi quyet dinh", "ma cap uy quyet dinh"),
    ),
    Column("decided_on", "Ngày quyết định", ("ngay quyet dinh",)),
)
_COLUMN_BY_KEY = {alias: column for column in COLUMNS for alias in column.aliases}
LABELS = {column.field: column.label for column in COLUMNS}
_ORDER = {column.field: index for index, column in enumerate(COLUMNS)}
_CODE_KEYS = set(COLUMNS[0].aliases)

_YES = {"x", "co", "1", "true", "yes", "tieu bieu", "tb", "v"}
_NO = {"", "0", "khong", "false", "no"}

# Problems found row by row in one pass (a bitmask in the resolved table).
_BITS = {
    "code_missing": 1,
    "code_unknown": 2,
    "unit_missing": 4,
    "unit_unknown": 8,
    "unit_not_in_year": 16,
    "unit_out_of_scope": 32,
    "level_missing": 64,
    "level_unknown": 128,
    "score_invalid": 256,
    "exemplary_unknown": 512,
    "exemplary_not_excellent": 1024,
    "year_wrong": 2048,
    "group_too_long": 4096,
    "rule": 8192,
    "person_out_of_scope": 16384,
    "disqualifier_unknown": 1 << 15,
    "proposed_unknown": 1 << 16,
    "proposed_not_in_year": 1 << 17,
    "proposed_out_of_scope": 1 << 18,
    "decided_unknown": 1 << 19,
    "decided_not_in_year": 1 << 20,
    "decided_out_of_scope": 1 << 21,
    "date_invalid": 1 << 22,
    "proposed_not_above": 1 << 23,
    "decided_not_above": 1 << 24,
}

T_STAGING = "thidua_import_staging"
T_LEVELS = "thidua_import_levels"
T_SCORES = "thidua_import_scores"
T_YEARS = "thidua_import_years"
T_FLAGS = "thidua_import_exemplary"
T_PAIRS = "thidua_import_pairs"
T_DISQUALIFIERS = "thidua_import_disqualifiers"
T_DATES = "thidua_import_dates"
T_ABOVE = "thidua_import_units_above"
T_UNITS = "thidua_import_units"
T_RESOLVED = "thidua_import_resolved"
T_ERRORS = "thidua_import_errors"
_LOOKUP_TABLES = (  # small tables the resolving join reads: analyzed once filled
    T_UNITS,
    T_ABOVE,
    T_LEVELS,
    T_SCORES,
    T_YEARS,
    T_FLAGS,
    T_PAIRS,
    T_DISQUALIFIERS,
    T_DATES,
)
_TEMP_TABLES = (T_STAGING, *_LOOKUP_TABLES, T_RESOLVED, T_ERRORS)


class _FileProblem(Exception):
    """The file as a whole cannot be read: rejected with this one error."""

    def __init__(self, message: str, *, row: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.error = {"row": row, "column": column, "message": message}


class _NotClean(Exception):
    """The fast path found rows it could not save as they are."""


class _RawCopyFailed(Exception):
    """PostgreSQL's COPY could not read a block: stage the file again through Python."""


def import_person_results(
    source,
    *,
    year: int,
    actor,
    file_name: str,
    scope: Unit | None = None,
    progress: Progress | None = None,
    stored_as: str = "",
) -> ImportBatch:
    """Import one year of member results from ``source`` (a path or a binary file object of
    a UTF-8 CSV or an .xlsx). Returns the batch: DONE with every row saved, or REJECTED with
    nothing saved and the errors listed. ``stored_as`` is where the uploaded file is kept
    (relative to MEDIA_ROOT), recorded with the batch. Raises RuleViolation only when no rule
    set judges ``year`` (nothing to record then)."""
    rule_set = rules.rule_set_for(year)
    batch = ImportBatch.objects.create(
        year=year,
        scope=scope,
        file_name=os.path.basename(file_name)[:255],
        source_file=stored_as,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    job = _Import(batch, rule_set, scope, progress)
    try:
        job.stage(source)
        job.validate_and_save()
    except _FileProblem as problem:
        job.reject([problem.error], 1)
    except _Rejected as rejected:
        job.reject(rejected.errors, rejected.total)
    except Exception:
        try:
            job.reject(
                [{"row": 0, "column": "", "message": "Lỗi hệ thống khi nhập tệp; không lưu gì."}],
                0,
            )
        finally:
            raise
    finally:
        job.drop_temp_tables()
    return batch


class _Rejected(Exception):
    def __init__(self, errors: list[dict], total: int) -> None:
        super().__init__(f"{total} dòng bị từ chối")
        self.errors = errors
        self.total = total


# --------------------------------------------------------------------------- reading files


def _open_binary(source) -> tuple[IO[bytes], bool]:
    """The source as a binary stream, and whether we opened it (and so must close it)."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    if isinstance(source, io.TextIOBase):
        raise _FileProblem("Tệp phải được mở ở dạng nhị phân (binary).")
    if not hasattr(source, "peek") and not _seekable(source):
        return io.BufferedReader(_RawReader(source)), False  # lets us peek at the format
    return source, False


def _seekable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError):
        return False


class _RawReader(io.RawIOBase):
    """Any object with ``read(size)`` as a raw stream, so that it can be buffered."""

    def __init__(self, source) -> None:
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _peek(stream: IO[bytes], size: int) -> bytes:
    if hasattr(stream, "peek"):
        return stream.peek(size)[:size]
    if stream.seekable():
        position = stream.tell()
        head = stream.read(size)
        stream.seek(position)
        return head
    raise _FileProblem("Không đọc được tệp (luồng không quay lại được và không xem trước được).")


def _cell_text(value: Any) -> str | None:
    """An .xlsx cell as the text a CSV would hold (85.5 → "85.5", 2024.0 → "2024")."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".12g")  # 70.10000000000001 (a computed cell) → "70.1"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _header_fields(cells: list[str | None]) -> tuple[dict[str, int], list[str]]:
    """Map field → column index of a header row; problems (duplicate columns) as messages."""
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(cells):
        column = _COLUMN_BY_KEY.get(search_key(cell or ""))
        if column is None:
            continue
        if column.field in found:
            problems.append(f"Cột “{column.label}” xuất hiện hai lần trong dòng tiêu đề.")
        found[column.field] = index
    return found, problems


def _is_header(cells: Iterable[str | None]) -> bool:
    return any(search_key(cell or "") in _CODE_KEYS for cell in cells)


def _check_header(fields: dict[str, int], problems: list[str], row: int, rule_set: RuleSet):
    if problems:
        raise _FileProblem(problems[0], row=row)
    for column in COLUMNS:
        if column.required and column.field not in fields:
            raise _FileProblem(f"Thiếu cột “{column.label}”.", row=row, column=column.label)
    if rule_set.has_score_bands and "score" not in fields:
        raise _FileProblem(
            f"Theo Quy định {rule_set.code} (thang 100 điểm), tệp phải có cột “Điểm”.",
            row=row,
            column=LABELS["score"],
        )


def _has_blank_line(block: bytes) -> bool:
    """Whether a block of CSV holds an empty line (plain substring searches: a regular
    expression took as long as COPY itself on a national file)."""
    return b"\n\n" in block or b"\n\r\n" in block or block.startswith((b"\n", b"\r\n"))


@dataclass
class _Csv:
    """A CSV source positioned after its header line."""

    stream: IO[bytes]
    owned: bool
    header_row: int  # 1-based row number of the header
    delimiter: str
    width: int
    fields: dict[str, int]
    data_start: int | None  # byte offset of the first data row, when seekable
    size: int | None  # total bytes, when known


def _decode_line(line: bytes, row: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise _utf8_problem(row) from None


def _utf8_problem(row: int) -> _FileProblem:
    return _FileProblem(
        f"Tệp CSV phải mã hóa UTF-8 (có hoặc không có BOM); dòng {row} không đọc được theo "
        "UTF-8. Trong Excel, hãy lưu bằng “CSV UTF-8 (Comma delimited)”.",
        row=row,
    )


def _split_line(text: str) -> tuple[list[str], str]:
    """Cells of a header line and its delimiter: the one of , ; tab that finds the most
    known headers."""
    best: tuple[int, list[str], str] = (-1, [], ",")
    for delimiter in (",", ";", "\t"):
        cells = next(csv.reader([text], delimiter=delimiter), [])
        known = sum(1 for cell in cells if search_key(cell) in _COLUMN_BY_KEY)
        if known > best[0]:
            best = (known, cells, delimiter)
    return best[1], best[2]


def _open_csv(stream: IO[bytes], owned: bool, rule_set: RuleSet) -> _Csv:
    size = None
    if stream.seekable():
        try:
            size = os.fstat(stream.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            position = stream.tell()
            size = stream.seek(0, os.SEEK_END)
            stream.seek(position)
    if _peek(stream, 3) == b"\xef\xbb\xbf":
        stream.read(3)
    for row in range(1, HEADER_SEARCH_ROWS + 1):
        line = stream.readline()
        if not line:
            break
        text = _decode_line(line, row).rstrip("\r\n")
        cells, delimiter = _split_line(text)
        if _is_header(cells):
            fields, problems = _header_fields(cells)
            _check_header(fields, problems, row, rule_set)
            return _Csv(
                stream=stream,
                owned=owned,
                header_row=row,
                delimiter=delimiter,
                width=len(cells),
                fields=fields,
                data_start=stream.tell() if stream.seekable() else None,
                size=size,
            )
    raise _FileProblem(
        f"Không tìm thấy dòng tiêu đề có cột “Mã đảng viên” trong {HEADER_SEARCH_ROWS} dòng "
        "đầu của tệp."
    )


def _csv_rows(source: _Csv) -> Iterator[tuple[int, list[str]]]:
    """(data index, cells) of each record after the header, read lazily; blank records are
    counted (a spreadsheet shows them as rows) but not yielded."""
    text = io.TextIOWrapper(source.stream, encoding="utf-8", newline="")
    index = 0
    try:
        reader = csv.reader(text, delimiter=source.delimiter)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _utf8_problem(source.header_row + index + 1) from None
            except csv.Error as error:
                raise _FileProblem(
                    f"Tệp CSV hỏng ở dòng {source.header_row + index + 1}: {error}.",
                    row=source.header_row + index + 1,
                ) from None
            index += 1
            if cells:
                yield index, cells
    finally:
        text.detach()


def _xlsx_rows(stream: IO[bytes], rule_set: RuleSet):
    """(header row, fields, width, row estimate, rows iterator, workbook) of an .xlsx."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise _FileProblem(f"Không mở được tệp .xlsx: {error}.") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    for header_row, values in enumerate(rows, start=1):
        if header_row > HEADER_SEARCH_ROWS:
            break
        cells = [_cell_text(v) for v in values]
        if _is_header(cells):
            fields, problems = _header_fields(cells)
            _check_header(fields, problems, header_row, rule_set)
            estimate = max((sheet.max_row or 0) - header_row, 0)

            def data(rows=rows) -> Iterator[tuple[int, list[str | None]]]:
                for index, values in enumerate(rows, start=1):
                    cells = [_cell_text(v) for v in values]
                    if any(c is not None and c.strip() for c in cells):
                        yield index, cells

            return header_row, fields, len(cells), estimate, data(), workbook
    workbook.close()
    raise _FileProblem(
        f"Không tìm thấy dòng tiêu đề có cột “Mã đảng viên” trong {HEADER_SEARCH_ROWS} dòng "
        "đầu của trang tính đầu tiên."
    )


# --------------------------------------------------------------------------- the import job


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


class _Import:
    def __init__(self, batch: ImportBatch, rule_set: RuleSet, scope, progress) -> None:
        self.batch = batch
        self.rule_set = rule_set
        self.scope = scope
        self.progress = progress
        self.year = batch.year
        self.postgres = connection.vendor == "postgresql"
        self.header_row = 0
        self.fields: dict[str, int] = {}
        self.width = 0
        self.staged = 0
        self.extra_cells: list[int] = []  # data indexes of rows with cells beyond the header
        self.created_tables = False

    # ----------------------------------------------------------------------- staging

    def stage(self, source) -> None:
        stream, owned = _open_binary(source)
        try:
            head = _peek(stream, 8)
            if head.startswith(b"PK\x03\x04"):
                self._stage_xlsx(stream)
            elif head.startswith(b"\xd0\xcf\x11\xe0"):
                raise _FileProblem(
                    "Tệp .xls (Excel 97-2003) không được hỗ trợ: hãy lưu lại thành .xlsx "
                    "hoặc CSV UTF-8."
                )
            else:
                self._stage_csv(stream, owned)
        finally:
            if owned:
                stream.close()
        if self.staged == 0:
            raise _FileProblem("Tệp không có dòng dữ liệu nào.", row=self.header_row)

    def _create_staging(self) -> None:
        self.drop_temp_tables(force=True)
        self.created_tables = True
        if self.postgres:
            # TEMP tables live in the session's local buffers (8 MB by default): a national
            # file spills through them at 2.5x the cost of COPY. The setting can only change
            # before the session first touches a TEMP table; on a reused connection that
            # already has, the import keeps the current size.
            with (
                contextlib.suppress(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        columns = ", ".join(f"c{i} TEXT" for i in range(self.width))
        key = (
            "row_no BIGINT GENERATED BY DEFAULT AS IDENTITY"
            if self.postgres
            else "row_no INTEGER PRIMARY KEY"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {T_STAGING} ({key}, {columns})")

    def _stage_csv(self, stream: IO[bytes], owned: bool) -> None:
        source = _open_csv(stream, owned, self.rule_set)
        self.header_row, self.fields, self.width = source.header_row, source.fields, source.width
        self._create_staging()
        if self.postgres:
            try:
                self._copy_raw(source)
                return
            except _RawCopyFailed:
                if source.data_start is None:
                    raise _FileProblem(
                        "PostgreSQL không đọc được tệp CSV này (dòng trống, số ô không đều "
                        "hoặc ký tự không phải UTF-8) và tệp không đọc lại được để chỉ ra "
                        "từng dòng lỗi.",
                        row=self.header_row,
                    ) from None
                source.stream.seek(source.data_start)
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {T_STAGING}")
                self.staged = 0
        estimate = None
        if source.size and source.data_start:
            start = source.data_start

            def estimate(rows: int) -> int:
                done = source.stream.tell() - start if not source.stream.closed else 0
                left = source.size - start
                return max(rows, round(rows * left / done)) if done > 0 else rows

        self._stage_rows(_csv_rows(source), estimate)

    def _copy_raw(self, source: _Csv) -> None:
        """Pass the CSV bytes to COPY block by block, without parsing them in Python."""
        columns = ", ".join(f"c{i}" for i in range(self.width))
        delimiter = {"\t": "E'\\t'"}.get(source.delimiter, f"'{source.delimiter}'")
        sql = f"COPY {T_STAGING} ({columns}) FROM STDIN (FORMAT csv, DELIMITER {delimiter})"
        stream, read_bytes, rows = source.stream, 0, 0
        left = (source.size - source.data_start) if source.size and source.data_start else None
        import psycopg

        while True:
            block = stream.read(RAW_BLOCK_BYTES)
            if not block:
                break
            if not block.endswith(b"\n"):
                block += stream.readline()
            read_bytes += len(block)
            last = not _peek_more(stream)
            if last:
                block = block.rstrip(b"\r\n")  # trailing blank lines at the very end
            if _has_blank_line(block):  # a blank record would shift the row numbers
                raise _RawCopyFailed
            if not block:
                break
            try:
                with (
                    transaction.atomic(),
                    connection.connection.cursor() as cursor,
                    cursor.copy(sql) as copy,
                ):
                    copy.write(block)
            except psycopg.errors.DataError:  # class 22: bad CSV, bad UTF-8, NUL bytes
                raise _RawCopyFailed from None
            rows += block.count(b"\n") + (1 if last else 0)
            total = max(rows, round(rows * left / read_bytes)) if left else rows
            self._report(rows, rows if last else total)
        self.staged = rows

    def _stage_xlsx(self, stream: IO[bytes]) -> None:
        header_row, fields, width, estimate, rows, workbook = _xlsx_rows(stream, self.rule_set)
        self.header_row, self.fields, self.width = header_row, fields, width
        self._create_staging()
        try:
            self._stage_rows(rows, lambda done: max(done, estimate))
        finally:
            workbook.close()

    def _stage_rows(
        self, rows: Iterator[tuple[int, list]], estimate: Callable[[int], int] | None
    ) -> None:
        """Stage Python-parsed rows chunk by chunk (COPY rows on PostgreSQL, executemany on
        SQLite); each chunk is committed to the TEMP table before the next is read."""
        width = self.width
        chunk: list[tuple] = []
        count = 0
        for index, cells in rows:
            if len(cells) != width:
                if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
                    self.extra_cells.append(index)
                cells = (list(cells) + [None] * width)[:width]
            chunk.append((index, *cells))
            if len(chunk) >= CHUNK_ROWS:
                count += self._write_chunk(chunk)
                chunk = []
                self._report(count, estimate(count) if estimate else count)
        if chunk:
            count += self._write_chunk(chunk)
        self.staged = count
        self._report(count, count)

    def _write_chunk(self, chunk: list[tuple]) -> int:
        columns = ", ".join(["row_no", *(f"c{i}" for i in range(self.width))])
        with transaction.atomic():
            if self.postgres:
                sql = f"COPY {T_STAGING} ({columns}) FROM STDIN"
                with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (self.width + 1))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {T_STAGING} ({columns}) VALUES ({marks})", chunk
                    )
        return len(chunk)

    def _report(self, done: int, total: int) -> None:
        """Progress after a chunk: committed at once when not inside an outer transaction."""
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            processed_rows=done, total_rows=max(done, total)
        )
        if self.progress is not None:
            self.progress(done, max(done, total))

    # ----------------------------------------------------------------------- validation

    def _field(self, name: str, alias: str = "s") -> str:
        index = self.fields.get(name)
        if index is None:
            return "NULL"
        return f"{alias}.c{index}" if alias else f"c{index}"

    def _blank(self, name: str, alias: str = "s") -> str:
        expression = self._field(name, alias)
        return f"({expression} IS NULL OR TRIM({expression}) = '')"

    def validate_and_save(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor
            skip_triggers = self._prepare_postgres()
            self._drop_blank_rows()
            self._build_maps()
            self._build_units()
            if not self.extra_cells and self._insert_if_clean(skip_triggers):
                self._finish()
                return
            self._resolve()
            bad_rows = self._flagged_count()
            if bad_rows or self.extra_cells:
                raise self._rejection()
            try:
                with transaction.atomic():
                    self._insert(T_RESOLVED, skip_triggers)
            except IntegrityError:
                # A member twice in the file, or a result already stored: find them all.
                raise self._rejection() from None
            self._finish()

    def _prepare_postgres(self) -> bool:
        """Bigger sort and hash memory for this transaction, and (when allowed) the locks
        that let the final INSERT skip the per-row foreign-key triggers."""
        if not self.postgres:
            return False
        cursor = self.cursor
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for table in (T_STAGING,):
            cursor.execute(f"ANALYZE {table}")
        if not SKIP_FK_TRIGGERS:
            return False
        granted = (
            "has_parameter_privilege(current_user, 'session_replication_role', 'SET')"
            if connection.pg_version >= 150000
            else "false"
        )
        cursor.execute(f"SELECT rolsuper OR {granted} FROM pg_roles WHERE rolname = current_user")
        allowed = bool(cursor.fetchone()[0])
        if allowed:
            cursor.execute(
                f"LOCK TABLE {_qn(Person._meta.db_table)}, {_qn(Unit._meta.db_table)} IN SHARE MODE"
            )
            cursor.execute(
                f"SELECT 1 FROM {_qn(RuleSet._meta.db_table)} WHERE id = %s FOR KEY SHARE",
                [self.rule_set.pk],
            )
        return allowed

    def _drop_blank_rows(self) -> None:
        blank = " AND ".join(self._blank(name, alias="") for name in self.fields)
        self.cursor.execute(f"DELETE FROM {T_STAGING} WHERE {blank}")
        self.cursor.execute(f"SELECT COUNT(*) FROM {T_STAGING}")
        self.total = self.cursor.fetchone()[0]
        if self.total == 0:
            raise _FileProblem("Tệp không có dòng dữ liệu nào.", row=self.header_row)

    def _distinct_values(self) -> dict[str, list[str]]:
        """The distinct non-blank raw values of the columns parsed in Python: one scan of
        the staged rows on PostgreSQL (GROUPING SETS), one per column on SQLite."""
        names = [n for n in _MAPPED if n in self.fields]
        found: dict[str, list[str]] = {name: [] for name in _MAPPED}
        if not names:
            return found
        columns = [f"c{self.fields[name]}" for name in names]
        if self.postgres and len(names) > 1:
            sets = ", ".join(f"({column})" for column in columns)
            self.cursor.execute(
                f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}"
                f" FROM {T_STAGING} GROUP BY GROUPING SETS ({sets})"
            )
            width = len(names)
            for grouping, *values in self.cursor.fetchall():
                for index, name in enumerate(names):
                    # GROUPING's bit is 0 for the column this row groups by.
                    if not grouping & (1 << (width - 1 - index)):
                        value = values[index]
                        if value is not None and value.strip():
                            found[name].append(value)
            return found
        for name, column in zip(names, columns, strict=True):
            self.cursor.execute(
                f"SELECT DISTINCT {column} FROM {T_STAGING} WHERE {column} IS NOT NULL"
            )
            found[name] = [value for (value,) in self.cursor.fetchall() if value.strip()]
        return found

    def _create_map(self, table: str, columns: str, rows: list[tuple]) -> None:
        self.cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
        if rows:
            marks = ", ".join(["%s"] * len(rows[0]))
            self.cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def _build_maps(self) -> None:
        """Each distinct raw value parsed once in Python; each (level, score, disqualifiers)
        judged once."""
        numeric = "NUMERIC(5, 2)" if self.postgres else "DECIMAL"
        distinct = self._distinct_values()
        levels = []
        for raw in distinct["level"]:
            with contextlib.suppress(RuleViolation):  # unknown: reported row by row
                levels.append((raw, rules.parse_level(raw)))
        self._create_map(T_LEVELS, "raw TEXT, level INTEGER", levels)

        self.score_problems: dict[str, str] = {}
        scores = []
        for raw in distinct["score"]:
            try:
                value = parse_decimal(raw)
            except RuleViolation as refused:
                self.score_problems[raw] = refused.message
                continue
            if value is None:
                continue
            problem = _score_problem(value)  # the band is judged with the level, below
            if problem:
                self.score_problems[raw] = problem
                continue
            scores.append((raw, value, f"{value.quantize(rules.CENT):f}"))
        self._create_map(T_SCORES, f"raw TEXT, score {numeric}, score_key TEXT", scores)

        years = []
        for raw in distinct["year"]:
            try:
                value = parse_decimal(raw)
            except RuleViolation:
                value = None
            years.append((raw, 1 if value == self.year else 0))
        self._create_map(T_YEARS, "raw TEXT, ok INTEGER", years)

        flags = []
        for raw in distinct["exemplary"]:
            key = search_key(raw).strip(" .")
            if key in _YES or key in _NO:
                flags.append((raw, 1 if key in _YES else 0))
        self._create_map(T_FLAGS, "raw TEXT, value INTEGER", flags)

        # Disqualifiers: codes or titles of the rule set's, separated by ";" or ",".
        self.disqualifier_problems: dict[str, str] = {}
        known = _disqualifier_keys(self.rule_set)
        disqualifiers = []
        for raw in distinct["disqualifiers"]:
            codes, unknown = [], []
            for part in re.split(r"[;,\n]", raw):
                if not part.strip():
                    continue
                code = known.get(_disqualifier_key(part))
                (codes if code else unknown).append(code or normalize(part).strip())
            if unknown:
                self.disqualifier_problems[raw] = (
                    f"Không có điều kiện loại trừ “{'”, “'.join(unknown)}” trong Quy định "
                    f"{self.rule_set.code}"
                    + (
                        f" (dùng mã hoặc nội dung: {', '.join(sorted(set(known.values())))})."
                        if known
                        else ": quy định này không có điều kiện loại trừ."
                    )
                )
                continue
            joined = DISQUALIFIER_SEPARATOR.join(dict.fromkeys(codes))
            if len(joined) > MAX_DISQUALIFIERS_LENGTH:
                self.disqualifier_problems[raw] = (
                    f"Quá nhiều điều kiện loại trừ trong một ô (mã ghép lại dài quá "
                    f"{MAX_DISQUALIFIERS_LENGTH} ký tự)."
                )
                continue
            disqualifiers.append((raw, joined))
        self._create_map(T_DISQUALIFIERS, "raw TEXT, codes TEXT", disqualifiers)

        self.date_problems: dict[str, str] = {}
        dates = []
        adapt = connection.ops.adapt_datefield_value
        for raw in distinct["decided_on"]:
            day = _parse_day(raw)
            if day is None:
                self.date_problems[raw] = (
                    f"Ngày quyết định “{normalize(raw).strip()}” không đúng dạng ngày/tháng/năm."
                )
            elif day > timezone.localdate():
                self.date_problems[raw] = (
                    f"Ngày quyết định {day:%d/%m/%Y} là ngày trong tương lai: kết quả chỉ "
                    "nhập sau khi cấp ủy đã quyết định."
                )
            elif not self.year <= day.year <= self.year + 1:
                self.date_problems[raw] = (
                    f"Ngày quyết định {day:%d/%m/%Y} không thuộc năm {self.year} hoặc năm "
                    f"{self.year + 1} (khi xếp loại năm {self.year})."
                )
            else:
                dates.append((raw, adapt(day)))
        self._create_map(T_DATES, "raw TEXT, day DATE", dates)

        # Every combination of a level, a score (or none) and a set of disqualifiers (or
        # none) present in the file, judged by the rules.
        present_levels = sorted({level for _, level in levels})
        present_scores: dict[str, Decimal | None] = {key: value for _, value, key in scores}
        present_scores[""] = None
        present_codes = {codes for _, codes in disqualifiers} | {""}
        pairs = []
        for level in present_levels:
            for key, value in present_scores.items():
                for codes in present_codes:
                    problems = rules.check_level(
                        self.rule_set,
                        level=level,
                        score=value,
                        disqualifiers=[c for c in codes.split(DISQUALIFIER_SEPARATOR) if c],
                        subject="person",
                    )
                    if problems:
                        pairs.append((level, key, codes, " ".join(problems)))
        self._create_map(T_PAIRS, "level INTEGER, score_key TEXT, codes TEXT, message TEXT", pairs)

    def _build_units(self) -> None:
        """Units that exist during the year, and whether each is under the scope by the parent
        chain in force on 31 December."""
        first, last = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        versions = _qn(UnitVersion._meta.db_table)
        adapt = connection.ops.adapt_datefield_value
        self.cursor.execute(f"CREATE TEMP TABLE {T_UNITS} (unit_id BIGINT, in_scope INTEGER)")
        self.cursor.execute(
            f"INSERT INTO {T_UNITS} (unit_id, in_scope) SELECT DISTINCT unit_id, %s"
            f" FROM {versions} WHERE valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)",
            [0 if self.scope else 1, adapt(last), adapt(first)],
        )
        if self.scope is not None:
            tree = subtree_ids(self.scope, last)
            self.cursor.execute(
                f"UPDATE {T_UNITS} SET in_scope = 1 WHERE unit_id IN ({tree.sql})", tree.params
            )
        self.cursor.execute(f"CREATE TEMP TABLE {T_ABOVE} (unit_id BIGINT, above_id BIGINT)")
        if "proposed_by" in self.fields or "decided_by" in self.fields:
            # Each unit with itself and every unit above it under any parent it had during
            # the year (a unit moved mid-year answers to both chains).
            during = "v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s)"
            self.cursor.execute(
                f"INSERT INTO {T_ABOVE} (unit_id, above_id)"
                " WITH RECURSIVE chain(unit_id, above_id) AS ("
                f" SELECT unit_id, unit_id FROM {T_UNITS}"
                " UNION"
                f" SELECT c.unit_id, v.parent_id FROM chain c JOIN {versions} v"
                f" ON v.unit_id = c.above_id AND {during} WHERE v.parent_id IS NOT NULL"
                ") SELECT unit_id, above_id FROM chain",
                [adapt(last), adapt(first)],
            )
        if self.postgres:  # autovacuum never analyzes TEMP tables: good plans need it
            for table in _LOOKUP_TABLES:
                self.cursor.execute(f"ANALYZE {table}")

    def _resolved_select(self) -> str:
        """The staged rows joined to members, units and the maps: the values to save and a
        bitmask of the problems found row by row (``flags``), in one SELECT."""
        b = _BITS
        f, blank = self._field, self._blank
        checks = [
            (blank("code"), b["code_missing"]),
            (f"p.id IS NULL AND NOT {blank('code')}", b["code_unknown"]),
            (blank("unit"), b["unit_missing"]),
            (f"u.id IS NULL AND NOT {blank('unit')}", b["unit_unknown"]),
            ("u.id IS NOT NULL AND iu.unit_id IS NULL", b["unit_not_in_year"]),
            ("iu.in_scope = 0", b["unit_out_of_scope"]),
            (blank("level"), b["level_missing"]),
            (f"lm.level IS NULL AND NOT {blank('level')}", b["level_unknown"]),
            (f"sm.raw IS NULL AND NOT {blank('score')}", b["score_invalid"]),
            (f"fm.raw IS NULL AND NOT {blank('exemplary')}", b["exemplary_unknown"]),
            ("fm.value = 1 AND lm.level <> 1", b["exemplary_not_excellent"]),
            (f"(ym.ok IS NULL OR ym.ok = 0) AND NOT {blank('year')}", b["year_wrong"]),
            (f"LENGTH(TRIM({f('group')})) > {MAX_GROUP_LENGTH}", b["group_too_long"]),
            # An unknown disqualifier is reported alone: the level cannot be judged without.
            (
                f"pm.level IS NOT NULL AND (dq.raw IS NOT NULL OR {blank('disqualifiers')})",
                b["rule"],
            ),
            (f"dq.raw IS NULL AND NOT {blank('disqualifiers')}", b["disqualifier_unknown"]),
            (f"dm.raw IS NULL AND NOT {blank('decided_on')}", b["date_invalid"]),
        ]
        joins = []
        for field, alias, prefix in (
            ("proposed_by", "pb", "proposed"),
            ("decided_by", "dcb", "decided"),
        ):
            if field not in self.fields:
                continue
            joins.append(
                f" LEFT JOIN {_qn(Unit._meta.db_table)} {alias} ON {alias}.code = TRIM({f(field)})"
                f" LEFT JOIN {T_UNITS} i{alias} ON i{alias}.unit_id = {alias}.id"
                f" LEFT JOIN {T_ABOVE} a{alias} ON a{alias}.unit_id = u.id"
                f" AND a{alias}.above_id = {alias}.id"
            )
            checks += [
                (f"{alias}.id IS NULL AND NOT {blank(field)}", b[f"{prefix}_unknown"]),
                (
                    f"{alias}.id IS NOT NULL AND i{alias}.unit_id IS NULL",
                    b[f"{prefix}_not_in_year"],
                ),
                (f"i{alias}.in_scope = 0", b[f"{prefix}_out_of_scope"]),
                (
                    f"i{alias}.in_scope = 1 AND iu.unit_id IS NOT NULL"
                    f" AND a{alias}.unit_id IS NULL",
                    b[f"{prefix}_not_above"],
                ),
            ]
        if self.scope is not None:
            # A member whose record places them outside the scope belongs to another
            # board's import (an officer cannot pull another province's member in).
            checks.append(
                (
                    "p.unit_id IS NOT NULL AND (pu.unit_id IS NULL OR pu.in_scope = 0)",
                    b["person_out_of_scope"],
                )
            )
        differs = f"p.id IS NOT NULL AND NOT {blank('name')} AND TRIM({f('name')}) <> p.full_name"
        flags = " + ".join(f"(CASE WHEN {cond} THEN {bit} ELSE 0 END)" for cond, bit in checks)
        flagged = f", {flags} AS flags, (CASE WHEN {differs} THEN 1 ELSE 0 END) AS name_differs"
        no_unit = "CAST(NULL AS BIGINT)" if self.postgres else "NULL"
        proposed = "pb.id" if "proposed_by" in self.fields else no_unit
        decided = "dcb.id" if "decided_by" in self.fields else no_unit
        persons, units = _qn(Person._meta.db_table), _qn(Unit._meta.db_table)
        return (
            "SELECT s.row_no AS row_no,"
            " p.id AS person_id, u.id AS unit_id, lm.level AS level, sm.score AS score,"
            f" COALESCE(fm.value, 0) AS exemplary, COALESCE(TRIM({f('group')}), '') AS grp,"
            f" COALESCE(dq.codes, '') AS codes, {proposed} AS proposed_by_id,"
            f" {decided} AS decided_by_id, dm.day AS decided_on{flagged}"
            f" FROM {T_STAGING} s"
            f" LEFT JOIN {persons} p ON p.code = TRIM({f('code')})"
            f" LEFT JOIN {units} u ON u.code = TRIM({f('unit')})"
            f" LEFT JOIN {T_UNITS} iu ON iu.unit_id = u.id"
            f" LEFT JOIN {T_UNITS} pu ON pu.unit_id = p.unit_id"
            f" LEFT JOIN {T_LEVELS} lm ON lm.raw = {f('level')}"
            f" LEFT JOIN {T_SCORES} sm ON sm.raw = {f('score')}"
            f" LEFT JOIN {T_FLAGS} fm ON fm.raw = {f('exemplary')}"
            f" LEFT JOIN {T_YEARS} ym ON ym.raw = {f('year')}"
            f" LEFT JOIN {T_DISQUALIFIERS} dq ON dq.raw = {f('disqualifiers')}"
            f" LEFT JOIN {T_DATES} dm ON dm.raw = {f('decided_on')}"
            + "".join(joins)
            + f" LEFT JOIN {T_PAIRS} pm ON pm.level = lm.level"
            "  AND pm.score_key = COALESCE(sm.score_key, '')"
            "  AND pm.codes = COALESCE(dq.codes, '')"
        )

    def _clean_rows(self) -> str:
        """The resolved rows without any problem, for the fast path.

        On PostgreSQL the resolving SELECT is fenced (OFFSET 0) so that the filter on its
        flags is applied after the joins: pushed into them, its many conditions made the
        planner expect one row and pick nested loops, which at 56,000 rows cost 17 s instead
        of 0.3 s. Rows are saved in member order: the (person, year) index is then written
        page after page instead of at random (a shuffled national file: 70 s instead of 198 s).
        """
        fence = " OFFSET 0" if self.postgres else ""
        order = " ORDER BY r.person_id" if ORDER_BY_PERSON else ""
        return (
            f"SELECT * FROM ({self._resolved_select()}{fence}) r"
            f" WHERE r.flags = 0 AND r.name_differs = 0{order}"
        )

    def _insert_if_clean(self, skip_triggers: bool) -> bool:
        """The fast path: resolve and save in one INSERT ... SELECT of the rows without any
        problem. When it saved every row, the file is clean and done; otherwise (a problem,
        a name that differs byte for byte, a duplicate or a stored result hitting the unique
        constraint) it is undone and the file goes through the full check, which explains
        every rejected row (or saves the file when the names only differ in form)."""
        try:
            with transaction.atomic():
                saved = self._insert(self._clean_rows(), skip_triggers)
                if saved != self.total:
                    raise _NotClean
        except (IntegrityError, _NotClean):
            return False
        return True

    def _resolve(self) -> None:
        """The full check: the resolved rows kept in a table, with their problems."""
        self.cursor.execute(f"CREATE TEMP TABLE {T_RESOLVED} AS {self._resolved_select()}")
        self.cursor.execute(f"CREATE TEMP TABLE {T_ERRORS} (row_no BIGINT, kind TEXT, info TEXT)")
        if "name" in self.fields:
            self._check_names()

    def _check_names(self) -> None:
        """Names that differ byte for byte are compared again after NFC and case folding
        (read through a server-side cursor on PostgreSQL: there may be millions)."""
        with connection.chunked_cursor() as reader:
            reader.execute(
                f"SELECT r.row_no, {self._field('name')}, p.full_name FROM {T_RESOLVED} r"
                f" JOIN {T_STAGING} s ON s.row_no = r.row_no"
                f" JOIN {_qn(Person._meta.db_table)} p ON p.id = r.person_id"
                " WHERE r.name_differs = 1"
            )
            while found := reader.fetchmany(10_000):
                wrong = [
                    (row_no, "name", "")
                    for row_no, given, held in found
                    if name_key(given) != name_key(held)
                ]
                if wrong:
                    self.cursor.executemany(
                        f"INSERT INTO {T_ERRORS} (row_no, kind, info) VALUES (%s, %s, %s)", wrong
                    )

    def _flagged_count(self) -> int:
        self.cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT row_no FROM {T_RESOLVED} WHERE flags <> 0"
            f" UNION SELECT row_no FROM {T_ERRORS}) e"
        )
        return self.cursor.fetchone()[0]

    def _insert(self, source: str, skip_triggers: bool) -> int:
        """Save the rows of ``source`` (a table or a SELECT with the resolved columns)."""
        table = _qn(PersonClassification._meta.db_table)
        meta = PersonClassification._meta
        columns = ", ".join(
            _qn(meta.get_field(name).column)
            for name in (
                "person",
                "year",
                "unit",
                "level",
                "exemplary",
                "score",
                "rule_set",
                "group",
                "batch",
                "disqualifiers",
                "proposed_by",
                "decided_by",
                "decided_on",
            )
        )
        exemplary = "(exemplary = 1)" if self.postgres else "exemplary"
        if not source.startswith("SELECT"):
            source = f"SELECT * FROM {source}"
        if skip_triggers:
            self.cursor.execute("SET LOCAL session_replication_role = replica")
        self.cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT person_id, %s, unit_id, level,"
            f" {exemplary}, score, %s, grp, %s, codes, proposed_by_id, decided_by_id,"
            f" decided_on FROM ({source}) r",
            [self.year, self.rule_set.pk, self.batch.pk],
        )
        inserted = self.cursor.rowcount
        if skip_triggers:
            self.cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        return inserted

    def _finish(self) -> None:
        batch = self.batch
        batch.status = ImportBatch.Status.DONE
        batch.total_rows = self.total
        batch.processed_rows = self.total
        batch.rejected_rows = 0
        batch.errors = []
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=[
                "status",
                "total_rows",
                "processed_rows",
                "rejected_rows",
                "errors",
                "finished_at",
            ]
        )
        self._audit(f"Nhập {self.total} kết quả xếp loại đảng viên năm {self.year}.")
        if self.progress is not None:
            self.progress(self.total, self.total)

    def _audit(self, reason: str) -> None:
        fields = [f.name for f in ImportBatch._meta.concrete_fields if f.name != "errors"]
        audit.record(
            self.batch.actor,
            AuditEntry.Action.CREATE,
            self.batch,
            after=audit.snapshot(self.batch, fields),
            reason=reason,
        )

    # ----------------------------------------------------------------------- rejection

    def _rejection(self) -> _Rejected:
        """Every rejected row counted; the first MAX_STORED_ERRORS errors, in row order."""
        cursor = self.cursor
        if self.extra_cells:
            cursor.executemany(
                f"INSERT INTO {T_ERRORS} (row_no, kind, info) VALUES (%s, 'extra', '')",
                [(index,) for index in self.extra_cells],
            )
        # A member twice in the file: every occurrence after the first.
        cursor.execute(
            f"INSERT INTO {T_ERRORS} (row_no, kind, info)"
            f" SELECT r.row_no, 'duplicate', CAST(d.first_row AS TEXT) FROM {T_RESOLVED} r"
            f" JOIN (SELECT person_id, MIN(row_no) AS first_row FROM {T_RESOLVED}"
            "  WHERE person_id IS NOT NULL GROUP BY person_id HAVING COUNT(*) > 1) d"
            " ON d.person_id = r.person_id WHERE r.row_no > d.first_row"
        )
        # A result already stored for the member and the year.
        stored = _qn(PersonClassification._meta.db_table)
        cursor.execute(
            f"INSERT INTO {T_ERRORS} (row_no, kind, info)"
            f" SELECT r.row_no, 'stored', COALESCE(CAST(pc.batch_id AS TEXT), '')"
            f" FROM {T_RESOLVED} r JOIN {stored} pc"
            " ON pc.person_id = r.person_id AND pc.year = %s",
            [self.year],
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT row_no FROM {T_RESOLVED} WHERE flags <> 0"
            f" UNION SELECT row_no FROM {T_ERRORS}) e"
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT row_no FROM (SELECT row_no FROM {T_RESOLVED} WHERE flags <> 0"
            f" UNION SELECT row_no FROM {T_ERRORS}) e ORDER BY row_no LIMIT %s",
            [MAX_STORED_ERRORS],
        )
        first = [row_no for (row_no,) in cursor.fetchall()]
        return _Rejected(self._describe(first), total)

    def _describe(self, row_nos: list[int]) -> list[dict]:
        """The error messages of the given rows (at most MAX_STORED_ERRORS rows)."""
        if not row_nos:
            return []
        cursor = self.cursor
        marks = ", ".join(["%s"] * len(row_nos))
        values = ", ".join(self._field(name) for name in LABELS)
        cursor.execute(
            f"SELECT r.row_no, r.flags, r.level, sm.score_key, p.code, p.full_name,"
            f" pm.message, {values}"
            f" FROM {T_RESOLVED} r JOIN {T_STAGING} s ON s.row_no = r.row_no"
            f" LEFT JOIN {_qn(Person._meta.db_table)} p ON p.id = r.person_id"
            f" LEFT JOIN {T_SCORES} sm ON sm.raw = {self._field('score')}"
            f" LEFT JOIN {T_PAIRS} pm ON pm.level = r.level"
            "  AND pm.score_key = COALESCE(sm.score_key, '') AND pm.codes = r.codes"
            f" WHERE r.row_no IN ({marks})",
            row_nos,
        )
        rows = {row[0]: row for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT row_no, kind, info FROM {T_ERRORS} WHERE row_no IN ({marks})", row_nos
        )
        extra: dict[int, list[tuple[str, str]]] = {}
        for row_no, kind, info in cursor.fetchall():
            extra.setdefault(row_no, []).append((kind, info))
        errors: list[tuple[int, int, dict]] = []
        for row_no in row_nos:
            if row_no in rows:
                errors.extend(self._messages(rows[row_no], extra.get(row_no, [])))
            else:  # only the extra-cells problem can concern a row dropped as blank
                errors.extend(self._messages(None, extra.get(row_no, []), row_no=row_no))
        errors.sort(key=lambda error: error[:2])  # stable: a row's errors keep their order
        return [error for _, _, error in errors[:MAX_STORED_ERRORS]]

    def _messages(self, row, extra, *, row_no: int | None = None):
        year = self.year
        if row is not None:
            row_no, flags, level, _score_key, code_held, held_name, rule_message = row[:7]
            raw = dict(zip(LABELS, row[7:], strict=True))
        else:
            flags, level, code_held, held_name, rule_message, raw = 0, None, "", "", "", {}
        shown = {k: normalize(v) if isinstance(v, str) else "" for k, v in raw.items()}
        file_row = self.header_row + row_no
        found: list[tuple[str, str]] = []

        def has(bit: str) -> bool:
            return bool(flags & _BITS[bit])

        if has("code_missing"):
            found.append(("code", "Thiếu mã đảng viên."))
        if has("code_unknown"):
            found.append(("code", f"Không có đảng viên mã “{shown['code']}”."))
        if has("unit_missing"):
            found.append(("unit", "Thiếu mã đơn vị."))
        if has("unit_unknown"):
            found.append(("unit", f"Không có đơn vị mã “{shown['unit']}”."))
        if has("unit_not_in_year"):
            found.append(("unit", f"Đơn vị mã “{shown['unit']}” không tồn tại trong năm {year}."))
        if has("unit_out_of_scope"):
            found.append(
                (
                    "unit",
                    f"Đơn vị mã “{shown['unit']}” không thuộc {self.scope} "
                    f"(theo cơ cấu tổ chức ngày 31/12/{year}).",
                )
            )
        if has("person_out_of_scope"):
            found.append(
                (
                    "code",
                    f"Đảng viên mã “{shown['code']}” đang sinh hoạt ở đơn vị không thuộc "
                    f"{self.scope}: kết quả của họ do đơn vị quản lý họ nhập.",
                )
            )
        if has("level_missing"):
            found.append(("level", "Thiếu mức xếp loại."))
        if has("level_unknown"):
            try:
                rules.parse_level(raw["level"])
                message = f"Mức xếp loại “{shown['level']}” không hợp lệ."
            except RuleViolation as refused:
                message = refused.message
            found.append(("level", message))
        if has("score_invalid"):
            message = self.score_problems.get(raw["score"])
            found.append(("score", message or f"Điểm “{shown['score']}” không hợp lệ."))
        if has("exemplary_unknown"):
            found.append(
                (
                    "exemplary",
                    f"Cột Tiêu biểu chỉ nhận “x”, “có” hoặc để trống; không hiểu "
                    f"“{shown['exemplary']}”.",
                )
            )
        if has("exemplary_not_excellent"):
            found.append(
                (
                    "exemplary",
                    "“Tiêu biểu” chỉ đi với mức Hoàn thành xuất sắc nhiệm vụ, không với "
                    f"{rules.level_name(level)}.",
                )
            )
        if has("year_wrong"):
            found.append(("year", f"Năm “{shown['year']}” khác năm đang nhập ({year})."))
        if has("group_too_long"):
            found.append(("group", f"Tên nhóm so sánh dài quá {MAX_GROUP_LENGTH} ký tự."))
        if has("rule"):
            found.append(("level", rule_message))
        if has("disqualifier_unknown"):
            message = self.disqualifier_problems.get(raw["disqualifiers"])
            found.append(("disqualifiers", message or f"Không hiểu “{shown['disqualifiers']}”."))
        for field, prefix in (("proposed_by", "proposed"), ("decided_by", "decided")):
            label = LABELS[field].lower()
            if has(f"{prefix}_unknown"):
                found.append((field, f"Không có đơn vị mã “{shown[field]}” ({label})."))
            if has(f"{prefix}_not_in_year"):
                found.append(
                    (field, f"Đơn vị mã “{shown[field]}” ({label}) không tồn tại trong năm {year}.")
                )
            if has(f"{prefix}_out_of_scope"):
                found.append(
                    (
                        field,
                        f"Đơn vị mã “{shown[field]}” ({label}) không thuộc {self.scope} "
                        f"(theo cơ cấu tổ chức ngày 31/12/{year}).",
                    )
                )
            if has(f"{prefix}_not_above"):
                found.append(
                    (
                        field,
                        f"Đơn vị mã “{shown[field]}” ({label}) không phải đơn vị “{shown['unit']}” "
                        f"hay một cấp trên của đơn vị đó trong năm {year}.",
                    )
                )
        if has("date_invalid"):
            message = self.date_problems.get(raw["decided_on"])
            found.append(("decided_on", message or f"Ngày “{shown['decided_on']}” không hợp lệ."))
        for kind, info in extra:
            if kind == "name":
                found.append(
                    (
                        "name",
                        f"Họ tên “{shown['name']}” khác họ tên của đảng viên mã {code_held} "
                        f"(“{held_name}”): có thể nhầm người.",
                    )
                )
            elif kind == "duplicate":
                found.append(
                    (
                        "code",
                        f"Đảng viên mã “{shown['code']}” đã có ở dòng "
                        f"{self.header_row + int(info)} của tệp.",
                    )
                )
            elif kind == "stored":
                where = f"lần nhập số {info}" if info else "nhập trực tiếp"
                found.append(
                    (
                        "code",
                        f"Đảng viên mã “{shown['code']}” đã có kết quả xếp loại năm {year} "
                        f"({where}). Muốn nhập lại phải xóa lần nhập cũ trước.",
                    )
                )
            elif kind == "extra":
                found.append(("", "Dòng có nhiều ô hơn dòng tiêu đề."))
        for field, message in found:
            order = _ORDER.get(field, len(_ORDER))
            column = LABELS.get(field, "")
            yield file_row, order, {"row": file_row, "column": column, "message": message}

    def reject(self, errors: list[dict], total: int) -> None:
        batch = self.batch
        batch.status = ImportBatch.Status.REJECTED
        batch.errors = errors[:MAX_STORED_ERRORS]
        batch.rejected_rows = total
        batch.total_rows = getattr(self, "total", None) or max(self.staged, batch.total_rows)
        batch.processed_rows = batch.total_rows
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=[
                "status",
                "errors",
                "rejected_rows",
                "total_rows",
                "processed_rows",
                "finished_at",
            ]
        )
        self._audit(
            f"Từ chối tệp kết quả xếp loại năm {self.year}: {total} dòng lỗi, không lưu gì."
        )

    def drop_temp_tables(self, *, force: bool = False) -> None:
        if not self.created_tables and not force:
            return
        with connection.cursor() as cursor:
            for table in _TEMP_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        self.created_tables = False


def _peek_more(stream: IO[bytes]) -> bool:
    """Whether the stream has more bytes (without consuming them)."""
    try:
        return bool(_peek(stream, 1))
    except _FileProblem:
        return True


def _score_problem(value: Decimal) -> str:
    """A score outside the 100-point scale or with more than two decimals (rules.py)."""
    shown = f"{value:f}".replace(".", ",")
    if not 0 <= value <= rules.MAX_SCORE:
        return f"Điểm {shown} nằm ngoài thang 0 đến 100 điểm."
    if value != value.quantize(rules.CENT):
        return f"Điểm {shown} có quá hai chữ số thập phân."
    return ""


DISQUALIFIER_SEPARATOR = ";"
_MAPPED = ("level", "score", "year", "exemplary", "disqualifiers", "decided_on")
_DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _disqualifier_key(text: str) -> str:
    return " ".join(search_key(text).replace("-", " ").split())


def _disqualifier_keys(rule_set: RuleSet) -> dict[str, str]:
    """Code or title (ignoring case, accents and hyphens) → code, for all the rule set's
    disqualifiers (one for collectives only is then refused by ``check_level``, which says
    so)."""
    keys: dict[str, str] = {}
    for item in rule_set.disqualifiers.all():
        keys[_disqualifier_key(item.code)] = item.code
        keys[_disqualifier_key(item.title)] = item.code
    return keys


def _parse_day(raw: str) -> datetime.date | None:
    """A date as officials write it (dd/mm/yyyy, also with - or .) or as .xlsx gives it."""
    text = normalize(raw).strip()
    if "T" in text:  # a date cell read from .xlsx: "2026-01-15T00:00:00"
        text = text.split("T", 1)[0]
    for pattern in _DAY_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None

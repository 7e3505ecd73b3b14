"""Excel round trip of score sheets (bảng điểm) and the period's summary workbook.

Officials live in Excel: they download their unit's sheet, fill it offline (or pass it
round the office), and upload it again. The file carries what the upload needs to find its
way back:

- a very hidden worksheet ``_thidua`` with the sheet, unit, period, year and scale ids;
- a hidden column with each row's criterion id, so reordered rows still match (when that
  column is lost, rows match on their STT number instead);
- formulas (group subtotals, the bonus cap, the grand total, target-driven points) for
  every cell the system fills, plain values for every cell the unit fills. The import reads
  the formulas as formulas (not Excel's cached results): a formula is the system's, a typed
  value is the unit's, so a group row or a target-driven row that received a typed score is
  caught even after Excel recalculated and saved the file.

The import validates every row before writing anything and refuses the whole file with
every problem (sheet, row, column, in Vietnamese) when one is wrong; writes go through
:func:`emulation.services.sheets.set_self_score`, one outer transaction for all of them.
Reasons typed in the legacy TCVN3 (ABC) or VNI encodings are repaired and reported.

openpyxl is imported inside the functions (CONVENTIONS, "Reports").
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from core import legacy
from core.exceptions import RuleViolation
from core.templatetags.vn import format_points as pts
from core.text import normalize, search_key, sort_key
from emulation.models import (
    Criterion,
    Method,
    Period,
    Score,
    ScoreSheet,
    Section,
    SheetStatus,
    Stage,
)
from emulation.permissions import can_edit_sheet
from emulation.services import cycle, ranking, scales
from emulation.services import sheets as sheet_services
from organizations.services import registry

SHEET_TITLE = "Bảng điểm"
META_TITLE = "_thidua"
FORMAT = "thidua.bang-diem/1"

HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1

# Column letter, header and width of the score sheet, in order.
COLUMNS = {
    "number": ("A", "STT", 8),
    "title": ("B", "Nội dung tiêu chí", 58),
    "max": ("C", "Điểm tối đa", 10),
    "method": ("D", "Cách chấm", 26),
    "score": ("E", "Điểm tự chấm", 11),
    "na": ("F", "Không áp dụng (x)", 11),
    "note": ("G", "Giải thích / lý do", 40),
    "id": ("H", "Mã tiêu chí (không sửa)", 10),
}
LAST_VISIBLE = "G"

# How the import recognises a column by its header (search_key prefix), wherever it is.
HEADER_KEYS = {
    "number": ("stt",),
    "title": ("noi dung",),
    "max": ("diem toi da",),
    "method": ("cach cham",),
    "score": ("diem tu cham",),
    "na": ("khong ap dung",),
    "note": ("giai thich", "ly do"),
    "id": ("ma tieu chi",),
}

ENCODING_LABELS = {legacy.TCVN3: "TCVN3", legacy.VNI: "VNI"}
SUGGESTIONS = {"flag": "Cờ thi đua", "merit": "Bằng khen"}
PENDING = "chưa chốt"
MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024


# ---------------------------------------------------------------- results and problems


@dataclass
class ImportProblem:
    """One problem of an uploaded file, placed where the user can find it."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    @property
    def location(self) -> str:
        parts = [f"Trang “{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ImportRejected(RuleViolation):
    """The file was refused as a whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(f"Tệp có {len(problems)} lỗi, không lưu gì.", code="import")


@dataclass
class ImportResult:
    sheet: ScoreSheet
    changed: int
    unchanged: int
    repaired: list[ImportProblem] = field(default_factory=list)


# ---------------------------------------------------------------- small helpers


def _num(value: Decimal | None):
    """A Decimal as the plainest Excel number (20 rather than 20.00)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_name(unit, day: datetime.date) -> str:
    return registry.names_on([unit.pk], day).get(unit.pk) or unit.code


def _organizer_label(emulation_year) -> str:
    if emulation_year.cluster_id:
        return emulation_year.cluster.name
    return str(emulation_year.organizer)


def _method_text(criterion: Criterion) -> str:
    if criterion.method == Method.YES_NO:
        text = f"Có/không: 0 hoặc {pts(criterion.max_points)} điểm"
    elif criterion.method in scales.DERIVED_METHODS:
        text = f"{Method(criterion.method).label} (tự động)"
    else:
        text = f"{Method(criterion.method).label}, bước {pts(criterion.step)}"
    if criterion.guidance:
        text += f". {criterion.guidance}"
    return text


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


_NUMBER_RE = re.compile(r"-?\d+(?:[.,]\d+)?")


def _parse_points(value) -> Decimal:
    """A number typed as a number or as text ("2,5" or "2.5"); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # Excel may store 2.3 as 2.2999999999999998: points never need 9 decimals.
        return Decimal(str(round(value, 9)))
    if isinstance(value, str):
        text = value.replace("\xa0", "").replace(" ", "")
        if _NUMBER_RE.fullmatch(text):
            try:
                return Decimal(text.replace(",", "."))
            except InvalidOperation as exc:  # pragma: no cover - the pattern excludes it
                raise ValueError(value) from exc
    raise ValueError(value)


def _show(value) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().rstrip(".")


# ---------------------------------------------------------------- export one sheet


def export_sheet(sheet: ScoreSheet, *, filled: bool = True) -> bytes:
    """A unit's self-assessment sheet as .xlsx: blank (``filled=False``) to fill in, or with
    its current self scores. Only the input cells of hand-scored leaves are unlocked."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    period = sheet.period
    emulation_year = period.emulation_year
    scale = sheet.scale
    result = sheet_services.view(sheet)
    nodes = result.nodes
    lines = {line.criterion.pk: line for line in result.lines}
    children: dict[int, list[Criterion]] = {}
    for c in nodes:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)

    book = Workbook()
    ws = book.active
    ws.title = SHEET_TITLE
    col = {key: spec[0] for key, spec in COLUMNS.items()}

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    group_fill = PatternFill("solid", fgColor="EDEDED")
    input_fill = PatternFill("solid", fgColor="FFF9DB")
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    unlocked = Protection(locked=False)

    unit_name = _unit_name(sheet.unit, period.due_on)
    # Only a sheet in self-assessment gets input cells; any other is a copy to read and print.
    editable = sheet.status == SheetStatus.DRAFT
    titles = [
        (_organizer_label(emulation_year).upper(), Font(bold=True)),
        (f"BẢNG ĐIỂM TỰ CHẤM THI ĐUA NĂM {emulation_year.year}", Font(bold=True, size=14)),
        (f"Đơn vị: {unit_name}", Font(bold=True)),
        (
            f"Kỳ: {period} (từ {period.opens_on:%d/%m/%Y} đến hạn nộp {period.due_on:%d/%m/%Y})"
            f" · {scale.title}, phiên bản {scale.version}",
            Font(italic=True),
        ),
        (
            "Nhập điểm ở cột “Điểm tự chấm” (ô nền vàng); tiêu chí không áp dụng: ghi “x” và "
            "nêu lý do. Điểm nhóm và tổng điểm tự cộng; các ô khác đã khóa."
            if editable
            else f"Bảng điểm {sheet.get_status_display().lower()}: bản để xem và in, "
            "không nhập lại được.",
            Font(italic=True, size=9),
        ),
    ]
    for row, (text, font) in enumerate(titles, start=1):
        ws.cell(row=row, column=1, value=text).font = font
        ws.merge_cells(f"A{row}:{LAST_VISIBLE}{row}")
        ws.cell(row=row, column=1).alignment = Alignment(
            horizontal="center" if row == 2 else "left", wrap_text=True
        )
    ws.row_dimensions[5].height = 28

    for letter, header, width in COLUMNS.values():
        cell = ws[f"{letter}{HEADER_ROW}"]
        cell.value = header
        cell.font = bold
        cell.alignment = centre
        cell.border = border
        cell.fill = group_fill
        ws.column_dimensions[letter].width = width
    ws.column_dimensions[col["id"]].hidden = True

    validations: dict[tuple, DataValidation] = {}

    def validation(criterion: Criterion) -> DataValidation:
        maximum = _num(criterion.max_points)
        if criterion.method == Method.YES_NO:
            key = ("list", maximum)
            if key not in validations:
                validations[key] = DataValidation(
                    type="list",
                    formula1=f'"0,{maximum}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Điểm không hợp lệ",
                    error=f"Tiêu chí có/không: chỉ nhận 0 hoặc {pts(criterion.max_points)}.",
                )
        else:
            key = ("decimal", maximum, criterion.step)
            if key not in validations:
                validations[key] = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=str(maximum),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Điểm không hợp lệ",
                    error=(
                        f"Nhập số từ 0 đến {pts(criterion.max_points)}, "
                        f"theo bước {pts(criterion.step)}."
                    ),
                    showInputMessage=True,
                    promptTitle="Điểm tự chấm",
                    prompt=f"Từ 0 đến {pts(criterion.max_points)}, bước {pts(criterion.step)}.",
                )
        return validations[key]

    na_validation = DataValidation(
        type="list",
        formula1='"x"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Không áp dụng",
        error="Ghi “x” nếu tiêu chí không áp dụng với đơn vị (và nêu lý do), hoặc để trống.",
    )

    row_of = {c.pk: FIRST_ROW + i for i, c in enumerate(nodes)}
    for c in nodes:
        row = row_of[c.pk]
        kids = children.get(c.pk)
        values = {
            "number": c.number,
            "title": c.title,
            "max": _num(c.max_points),
            "method": "" if kids else _method_text(c),
            "id": c.pk,
        }
        for key, value in values.items():
            ws[f"{col[key]}{row}"] = value
        score_cell = ws[f"{col['score']}{row}"]
        if kids:
            score_cell.value = "=SUM({})".format(
                ",".join(f"{col['score']}{row_of[k.pk]}" for k in kids)
            )
        else:
            line = lines[c.pk]
            if line.is_derived:
                # A formula, not a value: the import tells the system's cells from typed ones.
                if line.derived is not None:
                    score_cell.value = f"={_num(line.derived)}"
            else:
                own = line.self_cell if filled else None
                if own is not None:
                    if own.applicable:
                        score_cell.value = _num(own.points)
                    else:
                        ws[f"{col['na']}{row}"] = "x"
                    ws[f"{col['note']}{row}"] = line.self_score.note or None
                inputs = ["score", "note"] + (["na"] if c.section == Section.REGULAR else [])
                for key in inputs if editable else []:
                    target = ws[f"{col[key]}{row}"]
                    target.protection = unlocked
                    target.fill = input_fill
                validation(c).add(score_cell)
                if c.section == Section.REGULAR:
                    na_validation.add(ws[f"{col['na']}{row}"])
        for key, (letter, _header, _width) in COLUMNS.items():
            cell = ws[f"{letter}{row}"]
            cell.border = border
            if key == "title":
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=2 * c.depth)
            elif key in ("method", "note"):
                cell.alignment = wrap
            else:
                cell.alignment = centre
            if kids:
                cell.font = bold
                cell.fill = group_fill

    # Totals: regular + min(bonus, cap) − deductions; the maximum drops by each leaf marked "x".
    last = FIRST_ROW + len(nodes) - 1
    roots = [c for c in nodes if c.parent_id is None]
    row = last + 1
    total_rows: dict[str, int] = {}

    def add_total(key: str, label: str, maximum, formula: str) -> None:
        nonlocal row
        ws[f"{col['title']}{row}"] = label
        if maximum is not None:
            ws[f"{col['max']}{row}"] = maximum
        ws[f"{col['score']}{row}"] = formula
        for letter, _header, _width in COLUMNS.values():
            cell = ws[f"{letter}{row}"]
            cell.font = bold
            cell.border = border
            cell.alignment = centre if letter != col["title"] else wrap
        total_rows[key] = row
        row += 1

    def cells(section: str) -> str:
        found = [f"{col['score']}{row_of[c.pk]}" for c in roots if c.section == section]
        return ",".join(found)

    regular = cells(Section.REGULAR)
    add_total("regular", "Cộng điểm chuẩn", _num(scale.total_max), f"=SUM({regular or 0})")
    if cells(Section.BONUS):
        add_total(
            "bonus",
            f"Điểm thưởng (tối đa {pts(scale.bonus_cap)} điểm)",
            _num(scale.bonus_cap),
            f"=MIN(SUM({cells(Section.BONUS)}),{_num(scale.bonus_cap)})",
        )
    if cells(Section.DEDUCTION):
        add_total("deduction", "Điểm trừ", None, f"=SUM({cells(Section.DEDUCTION)})")
    formula = f"={col['score']}{total_rows['regular']}"
    if "bonus" in total_rows:
        formula += f"+{col['score']}{total_rows['bonus']}"
    if "deduction" in total_rows:
        formula += f"-{col['score']}{total_rows['deduction']}"
    add_total("total", "Tổng điểm", None, formula)
    ws[f"{col['max']}{total_rows['total']}"] = (
        f'={_num(scale.total_max)}-SUMIF({col["na"]}{FIRST_ROW}:{col["na"]}{last},"x",'
        f"{col['max']}{FIRST_ROW}:{col['max']}{last})"
    )
    ws[f"{col['method']}{total_rows['total']}"] = "(điểm tối đa áp dụng)"

    row += 1
    ws[f"{col['note']}{row}"] = "………, ngày …… tháng …… năm ………"
    ws[f"{col['note']}{row}"].alignment = Alignment(horizontal="center")
    row += 1
    ws[f"{col['title']}{row}"] = "NGƯỜI LẬP BIỂU"
    ws[f"{col['note']}{row}"] = "THỦ TRƯỞNG ĐƠN VỊ"
    for letter in (col["title"], col["note"]):
        ws[f"{letter}{row}"].font = bold
        ws[f"{letter}{row}"].alignment = Alignment(horizontal="center")

    for dv in [*validations.values(), na_validation]:
        if dv.sqref:
            ws.add_data_validation(dv)

    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{LAST_VISIBLE}{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # let users widen columns and rows for printing
    ws.protection.formatRows = False

    meta = book.create_sheet(META_TITLE)
    for key, value in (
        ("format", FORMAT),
        ("sheet_id", sheet.pk),
        ("unit_id", sheet.unit_id),
        ("period_id", period.pk),
        ("year", emulation_year.year),
        ("scale_id", scale.pk),
        ("scale_version", scale.version),
    ):
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- import one sheet


@dataclass
class _Pending:
    criterion: Criterion
    row: int
    points: Decimal | None
    applicable: bool
    note: str


def _read_meta(book) -> dict[str, object] | None:
    if META_TITLE not in book.sheetnames:
        return None
    meta: dict[str, object] = {}
    for values in book[META_TITLE].iter_rows(max_col=2, values_only=True):
        if values and isinstance(values[0], str):
            meta[values[0].strip()] = values[1] if len(values) > 1 else None
    return meta


def _main_worksheet(book):
    sheets = [ws for ws in book.worksheets if ws.title != META_TITLE]
    for ws in sheets:
        if ws.title == SHEET_TITLE:
            return ws
    return sheets[0] if sheets else None


def _resolve(
    meta: dict | None, sheet: ScoreSheet | None, title: str
) -> tuple[ScoreSheet | None, list[ImportProblem]]:
    """The sheet the file writes to, or the reasons it cannot be trusted."""
    from organizations.models import Unit

    def problem(message: str) -> ImportProblem:
        return ImportProblem(title, None, None, message)

    if meta is None or meta.get("format") != FORMAT:
        return None, [
            problem(
                "Không tìm thấy thông tin nhận dạng bảng điểm trong tệp: hãy tải mẫu bảng điểm "
                "từ hệ thống rồi nhập điểm vào mẫu đó."
            )
        ]
    ids = {key: _as_int(meta.get(key)) for key in ("sheet_id", "unit_id", "year", "scale_id")}
    version = _as_int(meta.get("scale_version"))
    if None in ids.values():
        return None, [problem("Thông tin nhận dạng bảng điểm trong tệp bị hỏng: hãy tải lại mẫu.")]
    if sheet is None:
        sheet = (
            ScoreSheet.objects.select_related("period__emulation_year", "scale", "unit")
            .filter(pk=ids["sheet_id"])
            .first()
        )
        if sheet is None:
            return None, [
                problem("Bảng điểm của tệp này không còn trong hệ thống: hãy tải lại mẫu mới.")
            ]
    found = []
    year = sheet.period.emulation_year.year
    if ids["unit_id"] != sheet.unit_id:
        other = Unit.objects.filter(pk=ids["unit_id"]).first()
        found.append(
            problem(
                f"Tệp là bảng điểm của {other or 'một đơn vị khác'}, không phải của "
                f"{sheet.unit}: không nhập được."
            )
        )
    if ids["year"] != year:
        found.append(
            problem(f"Tệp là bảng điểm năm {ids['year']}, bảng điểm đang nhập là năm {year}.")
        )
    if not found and ids["sheet_id"] != sheet.pk:
        found.append(
            problem(f"Tệp thuộc một bảng điểm khác của đơn vị (không phải kỳ {sheet.period}).")
        )
    if ids["scale_id"] != sheet.scale_id:
        found.append(
            problem(
                f"Tệp lập theo thang điểm phiên bản {version if version is not None else '?'}, "
                f"bảng điểm hiện dùng phiên bản {sheet.scale.version}: hãy tải lại mẫu mới."
            )
        )
    return sheet, found


def _find_header(ws) -> tuple[int, dict[str, int]] | None:
    for number, values in enumerate(ws.iter_rows(max_row=40, values_only=True), start=1):
        columns: dict[str, int] = {}
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            key = search_key(value)
            for name, prefixes in HEADER_KEYS.items():
                if name not in columns and key.startswith(prefixes):
                    columns[name] = index
        if "number" in columns and "score" in columns:
            return number, columns
    return None


def import_sheet(
    data: bytes,
    *,
    actor,
    sheet: ScoreSheet | None = None,
    day: datetime.date | None = None,
) -> ImportResult:
    """Nhập bảng điểm tự chấm từ Excel: all or nothing.

    ``sheet`` is the sheet the user opened (the file must be that sheet's); without it the
    file's hidden ids decide, and ``actor`` must be allowed to self-assess that sheet.
    Scores equal to the stored ones are counted as unchanged and not rewritten."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if len(data) > MAX_BYTES:
        raise ImportRejected(
            [ImportProblem("", None, None, "Tệp quá lớn (trên 10 MB): không phải bảng điểm.")]
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # a corrupt or foreign file fails in many ways inside openpyxl
        raise ImportRejected(
            [ImportProblem("", None, None, "Không đọc được tệp: hãy chọn tệp Excel (.xlsx).")]
        ) from exc
    try:
        ws = _main_worksheet(book)
        if ws is not None:
            ws.reset_dimensions()  # files saved by other programs may state wrong dimensions
        if ws is None:
            raise ImportRejected(
                [ImportProblem("", None, None, "Tệp không có trang bảng điểm nào.")]
            )
        target, problems = _resolve(_read_meta(book), sheet, ws.title)
        if problems or target is None:
            raise ImportRejected(problems)
        if sheet is None and getattr(actor, "pk", None) and not can_edit_sheet(actor, target):
            raise ImportRejected(
                [
                    ImportProblem(
                        ws.title,
                        None,
                        None,
                        f"Bạn không có quyền nhập bảng điểm của {target.unit}.",
                    )
                ]
            )
        try:
            cycle.check_unit_can_write(target, day)
        except RuleViolation as exc:
            problems.append(ImportProblem(ws.title, None, None, exc.message))
        if target.status != SheetStatus.DRAFT:
            problems.append(
                ImportProblem(
                    ws.title,
                    None,
                    None,
                    f"Bảng điểm đang ở trạng thái “{target.get_status_display()}”: "
                    "không thể sửa điểm tự chấm.",
                )
            )
        header = _find_header(ws)
        if header is None:
            problems.append(
                ImportProblem(
                    ws.title,
                    None,
                    None,
                    "Không tìm thấy dòng tiêu đề (cột “STT” và “Điểm tự chấm”): hãy dùng mẫu "
                    "bảng điểm của hệ thống.",
                )
            )
            raise ImportRejected(problems)
        header_row, columns = header
        rows = list(
            ws.iter_rows(min_row=header_row + 1, max_row=header_row + MAX_ROWS, values_only=True)
        )
    finally:
        book.close()

    letter = {name: get_column_letter(index + 1) for name, index in columns.items()}
    nodes = scales.criteria(target.scale)
    by_id = {c.pk: c for c in nodes}
    by_number = {c.number: c for c in nodes}
    groups = {c.parent_id for c in nodes if c.parent_id}
    stored = {
        s.criterion_id: s
        for s in Score.objects.filter(sheet=target, stage=Stage.SELF, reviewer__isnull=True)
    }
    repaired: list[ImportProblem] = []
    pending: list[_Pending] = []
    seen: dict[int, int] = {}
    unchanged = 0

    def report(row: int, name: str, message: str) -> None:
        problems.append(ImportProblem(ws.title, row, letter.get(name), message))

    for row, values in enumerate(rows, start=header_row + 1):

        def get(name: str, values=values):
            index = columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        typed = {name: get(name) for name in ("score", "na", "note") if not _is_blank(get(name))}
        entered = {name: value for name, value in typed.items() if not _is_formula(value)}
        raw_id, raw_number = get("id"), get("number")
        criterion = None
        if not _is_blank(raw_id):
            criterion = by_id.get(_as_int(raw_id))
            if criterion is None:
                if entered:
                    report(
                        row,
                        "id",
                        f"Mã tiêu chí “{_show(raw_id)}” không có trong thang điểm của bảng "
                        "điểm này.",
                    )
                continue
        elif not _is_blank(raw_number):
            number = _number_text(raw_number)
            criterion = by_number.get(number)
            if criterion is None:
                if entered:
                    report(row, "number", f"Không có tiêu chí số “{number}” trong thang điểm.")
                continue
        else:
            if "score" in entered or "na" in entered:
                report(
                    row,
                    "score" if "score" in entered else "na",
                    "Dòng có điểm nhưng không có số thứ tự tiêu chí (cột STT).",
                )
            continue

        if not typed:
            continue
        label = f"Tiêu chí {criterion.number}"
        if criterion.pk in groups or criterion.method in scales.DERIVED_METHODS:
            why = (
                "là nhóm tiêu chí: điểm nhóm tự cộng từ các tiêu chí con"
                if criterion.pk in groups
                else "được tính tự động từ kết quả thực hiện chỉ tiêu"
            )
            for name in entered:
                report(row, name, f"{label} {why}, không nhập ở dòng này.")
            continue
        if criterion.pk in seen:
            report(
                row,
                "number" if "number" in columns else "id",
                f"{label} đã có ở dòng {seen[criterion.pk]}: mỗi tiêu chí chỉ nhập một dòng.",
            )
            continue
        seen[criterion.pk] = row

        before = len(problems)
        not_applicable = False
        if "na" in typed:
            marker = typed["na"]
            if isinstance(marker, str) and marker.strip().lower() == "x":
                not_applicable = True
            else:
                report(
                    row,
                    "na",
                    f"{label}: cột “Không áp dụng” chỉ ghi “x” (hoặc để trống), không ghi "
                    f"“{_show(marker)}”.",
                )
        points = None
        score_given = "score" in typed
        if score_given:
            raw = typed["score"]
            if _is_formula(raw):
                report(row, "score", f"{label}: nhập số điểm, không nhập công thức ({raw}).")
            else:
                try:
                    points = _parse_points(raw)
                except ValueError:
                    report(row, "score", f"{label}: “{_show(raw)}” không phải là số điểm.")
        note = ""
        if "note" in typed:
            text = _show(typed["note"])
            text, encoding = legacy.repair(text)
            if encoding:
                repaired.append(
                    ImportProblem(
                        ws.title,
                        row,
                        letter.get("note"),
                        f"Đã chuyển mã {ENCODING_LABELS.get(encoding, encoding)} sang Unicode: "
                        f"“{text}”",
                    )
                )
            note = normalize(text)

        if not_applicable:
            if criterion.section != Section.REGULAR:
                report(
                    row,
                    "na",
                    f"{label}: chỉ tiêu chí điểm chuẩn mới có thể không áp dụng "
                    "(điểm thưởng, điểm trừ thì nhập 0).",
                )
            if score_given:
                report(
                    row,
                    "score",
                    f"{label}: đã ghi “x” không áp dụng thì không nhập điểm (xóa một trong hai).",
                )
            if not note:
                report(row, "note", f"{label}: nêu lý do không áp dụng.")
        elif not score_given:
            if "na" not in typed:
                report(
                    row,
                    "score",
                    f"{label}: nhập điểm tự chấm (hoặc ghi “x” ở cột Không áp dụng).",
                )
        elif points is not None:
            try:
                sheet_services.check_points(criterion, points)
            except RuleViolation as exc:
                report(row, "score", exc.message)
            else:
                if points != points.quantize(Decimal("0.01")):
                    report(row, "score", f"{label}: điểm chỉ có tối đa 2 chữ số thập phân.")
        if len(problems) > before:
            continue

        old = stored.get(criterion.pk)
        if old is not None and (old.points, old.applicable, old.note) == (
            points,
            not not_applicable,
            note,
        ):
            unchanged += 1
            continue
        pending.append(_Pending(criterion, row, points, not not_applicable, note))

    if problems:
        raise ImportRejected(problems)
    with transaction.atomic():
        for item in pending:
            try:
                sheet_services.set_self_score(
                    target,
                    item.criterion,
                    actor=actor,
                    points=item.points,
                    applicable=item.applicable,
                    note=item.note,
                    day=day,
                )
            except RuleViolation as exc:
                raise ImportRejected(
                    [ImportProblem(ws.title, item.row, letter.get("score"), exc.message)]
                ) from exc
    return ImportResult(target, len(pending), unchanged, repaired)


# ---------------------------------------------------------------- the period's summary


def _group_sums(lines, cell_of) -> dict[str, Decimal]:
    """Points per top-level group (bonus groups before the sheet's cap)."""
    sums: dict[str, Decimal] = {}
    for line in lines:
        cell = cell_of(line)
        group = line.criterion.number.split(".")[0]
        if cell is None or not cell.applicable or cell.points is None:
            continue
        sums[group] = sums.get(group, Decimal(0)) + min(cell.points, line.criterion.max_points)
    return sums


def _cell_value(cell):
    if cell is None:
        return None
    if not cell.applicable:
        return "Không áp dụng"
    return _num(cell.points)


def export_summary(period: Period) -> bytes:
    """Tổng hợp kết quả of a period: the ranking, the groups per unit (self-assessed and
    final), and every leaf's self score against the review, flagging self-assessments
    above the review by more than the year's threshold. Only for the year's managers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    emulation_year = period.emulation_year
    result = ranking.rank(period)
    # the names at the end of the period, as the ranking gives them (one query for all)
    pending_names = registry.names_on(
        [s.unit_id for s in result.pending], period.due_on, short=True
    )
    names = {s.pk: pending_names.get(s.unit_id) or s.unit.code for s in result.pending}
    names.update({row.sheet.pk: row.name for row in result.rows})
    sheets = [row.sheet for row in result.rows] + sorted(
        result.pending, key=lambda s: sort_key(names[s.pk])
    )
    final_ids = {row.sheet.pk for row in result.rows}
    rank_of = {row.sheet.pk: row.rank for row in result.rows}
    cache: dict = {}
    views = {s.pk: sheet_services.view(s, profiles_cache=cache) for s in sheets}

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="EDEDED")
    warn_fill = PatternFill("solid", fgColor="F8D7DA")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    book = Workbook()
    heading = f"{_organizer_label(emulation_year)} – {period}"

    def start(ws, title: str, headers: list[str], widths: list[int]) -> int:
        ws["A1"] = heading.upper()
        ws["A1"].font = bold
        ws["A2"] = title
        ws["A2"].font = Font(bold=True, size=13)
        for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = ws.cell(row=4, column=index, value=header)
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = centre
            cell.border = border
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "C5"
        ws.print_title_rows = "4:4"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return 5

    def put(ws, row: int, values: list, formats: dict[int, str] | None = None) -> None:
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.border = border
            if formats and index in formats:
                cell.number_format = formats[index]

    # 1. Xếp hạng
    ws = book.active
    ws.title = "Xếp hạng"
    row = start(
        ws,
        "KẾT QUẢ XẾP HẠNG",
        [
            "Hạng",
            "Đơn vị",
            "Tổng điểm",
            "Điểm tối đa áp dụng",
            "Tỷ lệ",
            "Xếp trên đơn vị liền sau do / ghi chú",
            "Đề nghị",
        ],
        [8, 30, 12, 14, 11, 40, 16],
    )
    for ranked in result.rows:
        put(
            ws,
            row,
            [
                ranked.rank,
                names[ranked.sheet.pk],
                _num(ranked.total),
                _num(ranked.maximum),
                float(ranked.percent / 100),
                ranked.decided_by,
                SUGGESTIONS.get(ranked.suggestion, ""),
            ],
            {5: "0.00%"},
        )
        row += 1
    for pending in sheets[len(result.rows) :]:
        put(
            ws,
            row,
            [PENDING, names[pending.pk], None, None, None, pending.get_status_display(), ""],
        )
        row += 1
    row += 1
    if result.tie_breaks:
        labels = "; ".join(
            f"{i}) {ranking.tie_break_label(code)}" for i, code in enumerate(result.tie_breaks, 1)
        )
        ws.cell(row=row, column=1, value=f"Tiêu chí phụ khi bằng tỷ lệ điểm: {labels}.")
        row += 1
    for warning in result.warnings:
        ws.cell(row=row, column=1, value=warning).font = Font(bold=True, color="9C0006")
        row += 1

    # 2. Theo nhóm
    ws = book.create_sheet("Theo nhóm")
    roots: dict[str, str] = {}
    for s in sheets:
        for c in views[s.pk].nodes:
            if c.parent_id is None:
                roots.setdefault(c.number, c.title)
    order = sorted(roots, key=lambda n: int(n))
    headers, widths = ["Hạng", "Đơn vị"], [10, 28]
    for number in order:
        headers += [f"{number}. {roots[number]} – Tự chấm", f"{number}. – Kết quả"]
        widths += [14, 12]
    headers += ["Tổng – Tự chấm", "Tổng – Kết quả"]
    widths += [12, 12]
    row = start(ws, "ĐIỂM THEO NHÓM TIÊU CHÍ: TỰ CHẤM VÀ KẾT QUẢ", headers, widths)
    for s in sheets:
        sheet_view = views[s.pk]
        is_final = s.pk in final_ids
        mine = _group_sums(sheet_view.lines, lambda line: line.self_cell)
        final = _group_sums(sheet_view.lines, lambda line: line.proposed) if is_final else {}
        values: list = [rank_of.get(s.pk, PENDING), names[s.pk]]
        for number in order:
            values.append(_num(mine.get(number, Decimal(0))))
            values.append(_num(final.get(number, Decimal(0))) if is_final else PENDING)
        values.append(_num(sheet_view.self_totals.total))
        values.append(_num(s.final_total) if is_final else PENDING)
        put(ws, row, values)
        row += 1

    # 3. Tự chấm - Bình xét
    ws = book.create_sheet("Tự chấm - Bình xét")
    row = start(
        ws,
        "TỰ CHẤM SO VỚI BÌNH XÉT, TỪNG TIÊU CHÍ",
        [
            "Đơn vị",
            "STT",
            "Tiêu chí",
            "Điểm tối đa",
            "Tự chấm",
            "Bình xét",
            "Kết quả",
            "Chênh lệch (tự chấm − kết quả)",
            "Cảnh báo",
        ],
        [22, 8, 44, 10, 10, 10, 10, 14, 30],
    )
    threshold = pts(emulation_year.inflation_threshold)
    for s in sheets:
        sheet_view = views[s.pk]
        is_final = s.pk in final_ids
        for line in sheet_view.lines:
            mine, theirs = line.self_cell, line.proposed
            gap = None
            if (
                mine is not None
                and theirs is not None
                and mine.applicable
                and theirs.applicable
                and mine.points is not None
                and theirs.points is not None
            ):
                gap = _num(mine.points - theirs.points)
            flagged = sheet_view.inflated(line)
            put(
                ws,
                row,
                [
                    names[s.pk],
                    line.criterion.number,
                    line.criterion.title,
                    _num(line.criterion.max_points),
                    _cell_value(mine),
                    _cell_value(line.review_cell),
                    _cell_value(line.final) if is_final else PENDING,
                    gap,
                    f"Tự chấm cao hơn kết quả quá {threshold}% điểm tối đa" if flagged else "",
                ],
            )
            ws.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
            if flagged:
                for index in range(1, 10):
                    ws.cell(row=row, column=index).fill = warn_fill
            row += 1

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

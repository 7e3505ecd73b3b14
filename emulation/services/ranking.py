"""Xếp hạng: ranking a period's final results, with tie-breaks and shared ranks.

Rules:
- units rank on the percentage of their applicable maximum (total ÷ maximum × 100, so a
  unit with a criterion not applicable is not penalised), then on the tie-breaks the
  cluster chose for the year, in order: fewer deductions, higher points in group N
  ("group:N"), more criteria at their maximum, more bonus points, self-assessment closer
  to the final result;
- units still equal after every tie-break share a rank, and the next rank skips
  (1, 2, 2, 4);
- each pair of neighbours says what separated them (the score, or which tie-break);
- the proposal suggestion: the first ``flag_count`` ranks for Cờ thi đua, the next
  ``merit_count`` for Bằng khen; a shared rank across a boundary is flagged for the
  cluster to decide, never cut silently;
- only final sheets are ranked; the others are listed as pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from core.text import sort_key
from emulation.models import Period, ScoreSheet, SheetStatus, TieBreak
from emulation.services import sheets as sheet_services
from organizations.services import registry

ZERO = Decimal(0)
FINAL_STAGES = ("self", "final")


@dataclass
class Row:
    sheet: ScoreSheet
    name: str
    total: Decimal
    maximum: Decimal
    percent: Decimal
    exact_percent: Decimal
    self_total: Decimal | None
    deductions: Decimal
    bonus: Decimal
    at_maximum: int
    groups: dict[str, Decimal]
    self_gap: Decimal
    provisional: bool = False
    rank: int = 0
    decided_by: str = ""
    suggestion: str = ""

    def key(self, code: str) -> Decimal:
        """A tie-break value where higher is better."""
        if code == TieBreak.FEWER_DEDUCTIONS:
            return -self.deductions
        if code == TieBreak.MORE_AT_MAXIMUM:
            return Decimal(self.at_maximum)
        if code == TieBreak.HIGHER_BONUS:
            return self.bonus
        if code == TieBreak.HIGHER_SELF_AGREEMENT:
            return -self.self_gap
        if code.startswith("group:"):
            return self.groups.get(code[6:], ZERO)
        raise ValueError(code)


@dataclass
class Ranking:
    period: Period
    rows: list[Row]
    pending: list[ScoreSheet]
    tie_breaks: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[Row]:
        return [r for r in self.rows if r.suggestion == "flag"]

    @property
    def merits(self) -> list[Row]:
        return [r for r in self.rows if r.suggestion == "merit"]


def tie_break_label(code: str) -> str:
    if code.startswith("group:"):
        return gettext("Điểm nhóm %(group)s cao hơn") % {"group": code[6:]}
    return str(TieBreak(code).label)


def _provisional_cell(line: sheet_services.Line):
    """Final, else second review, else first review, else the self score."""
    return line.proposed or line.self_cell


def rank(period: Period, *, provisional: bool = False) -> Ranking:
    """The ranking of final sheets; ``provisional`` (xếp hạng tạm tính, for managers during
    the review) also ranks unfinished sheets on their latest layer of each cell."""
    emulation_year = period.emulation_year
    tie_breaks = list(emulation_year.tie_breaks or [])
    # names at the end of the period; a unit merged since keeps its name of then
    names = registry.names_on(period.sheets.values("unit"), period.due_on, short=True)
    rows: list[Row] = []
    pending: list[ScoreSheet] = []
    cache: dict = {}
    sheets = period.sheets.select_related("scale", "unit", "period__emulation_year")
    for sheet in sheets:
        final_sheet = sheet.status == SheetStatus.FINAL
        if not final_sheet:
            pending.append(sheet)
            if not provisional:
                continue
        # A final sheet ranks on its final layer (and its self layer for the closeness
        # tie-break): no need to read every reviewer's marks.
        result = sheet_services.view(
            sheet, profiles_cache=cache, stages=() if provisional else FINAL_STAGES
        )
        final = result.proposed_totals if final_sheet else result.totals(_provisional_cell)
        mine = result.self_totals
        rows.append(
            Row(
                sheet=sheet,
                name=names.get(sheet.unit_id) or str(sheet.unit),
                total=sheet.final_total if final_sheet else final.total,
                maximum=sheet.final_max if final_sheet else final.maximum,
                percent=final.percent or ZERO,
                exact_percent=final.exact_percent or ZERO,
                self_total=mine.total,
                deductions=final.deductions,
                bonus=final.bonus,
                at_maximum=final.at_maximum,
                groups=final.groups,
                self_gap=abs(mine.total - final.total),
                provisional=not final_sheet,
            )
        )
    rows.sort(key=lambda r: sort_key(r.name))
    rows.sort(key=lambda r: [r.exact_percent] + [r.key(c) for c in tie_breaks], reverse=True)
    for index, row in enumerate(rows):
        if index == 0:
            row.rank = 1
            continue
        above = rows[index - 1]
        if row.exact_percent != above.exact_percent:
            row.rank = index + 1
            row.decided_by = gettext("Tỷ lệ điểm")
            continue
        for code in tie_breaks:
            if row.key(code) != above.key(code):
                row.rank = index + 1
                row.decided_by = tie_break_label(code)
                break
        else:
            row.rank = above.rank
            row.decided_by = gettext("Bằng điểm sau mọi tiêu chí phụ: đồng hạng")
    ranking = Ranking(period, rows, pending, tie_breaks)
    _suggest(ranking, emulation_year.flag_count, emulation_year.merit_count)
    return ranking


def _suggest(ranking: Ranking, flag_count: int, merit_count: int) -> None:
    for row in ranking.rows:
        if row.rank <= flag_count:
            row.suggestion = "flag"
        elif row.rank <= flag_count + merit_count:
            row.suggestion = "merit"
    for boundary, label in ((flag_count, "Cờ thi đua"), (flag_count + merit_count, "Bằng khen")):
        inside = [r for r in ranking.rows if r.rank <= boundary]
        if len(inside) > boundary:
            ranking.warnings.append(
                f"Có {len(inside)} đơn vị trong {boundary} vị trí đề nghị {label} do đồng hạng: "
                "Cụm cần bình xét để chọn."
            )

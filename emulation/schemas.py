"""Shapes of the emulation API. Decimals travel as strings ("101.25", exact, two places);
inputs accept a decimal string or a number; dates are ISO."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

# Points and quantities are stored with two decimals: more would be rounded silently.
Points = Annotated[Decimal, Field(max_digits=7, decimal_places=2)]
Quantity = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]


# ---------------------------------------------------------------- years and periods


class UnitRefOut(Schema):
    unit_id: int
    name: str


class PeriodOut(Schema):
    id: int
    emulation_year_id: int
    kind: str
    kind_label: str
    opens_on: datetime.date
    due_on: datetime.date
    published_at: datetime.datetime | None


class YearOut(Schema):
    id: int
    year: int
    title: str
    cluster_id: int | None
    cluster: str | None
    organizer_id: int | None
    organizer: str | None
    parent_id: int | None
    phase: str


class RulesOut(Schema):
    review_mode: str
    aggregation: str
    tie_breaks: list[str]
    flag_count: int
    merit_count: int
    inflation_threshold: str


class YearDetailOut(YearOut):
    phase_label: str
    closed_at: datetime.datetime | None
    rules: RulesOut
    participants: list[UnitRefOut]
    reviewers: list[UnitRefOut]
    periods: list[PeriodOut]
    current_scale_id: int | None
    can_manage: bool


class YearIn(Schema):
    """A cluster's year (``cluster_id``) or a board's year for its subordinate boards
    (``organizer_id``, optionally ``participant_ids`` and the ``parent_id`` year it
    cascades from)."""

    year: int
    title: str
    cluster_id: int | None = None
    organizer_id: int | None = None
    parent_id: int | None = None
    participant_ids: list[int] | None = None
    review_mode: str = "leaders"
    aggregation: str = "mean"
    tie_breaks: list[str] = []


class RulesIn(Schema):
    """Only the fields sent are changed."""

    review_mode: str | None = None
    aggregation: str | None = None
    tie_breaks: list[str] | None = None
    flag_count: int | None = None
    merit_count: int | None = None
    inflation_threshold: Percent | None = None


class PhaseIn(Schema):
    phase: str


class PeriodIn(Schema):
    kind: str
    opens_on: datetime.date
    due_on: datetime.date


class PeriodDatesIn(Schema):
    opens_on: datetime.date
    due_on: datetime.date


# ---------------------------------------------------------------- scales


class CriterionNodeOut(Schema):
    id: int
    parent_id: int | None
    number: str
    title: str
    max_points: str
    method: str
    section: str
    step: str
    target_code: str
    floor_percent: str | None
    guidance: str
    evidence_expected: str
    children: list[CriterionNodeOut]


CriterionNodeOut.model_rebuild()


class ScaleOut(Schema):
    id: int
    emulation_year_id: int
    version: int
    title: str
    total_max: str
    bonus_cap: str
    copied_from_id: int | None
    frozen: bool
    problems: list[str]
    criteria: list[CriterionNodeOut]


class ScaleIn(Schema):
    title: str = ""
    total_max: Points = Decimal(100)
    bonus_cap: Points = Decimal(0)


class ScaleCopyIn(Schema):
    source_id: int
    title: str = ""


class NewVersionIn(Schema):
    reason: str


class CriterionIn(Schema):
    title: str
    max_points: Points
    parent_id: int | None = None
    method: str = "manual"
    section: str | None = None
    step: Points = Decimal("0.5")
    guidance: str = ""
    evidence_expected: str = ""
    target_code: str = ""
    floor_percent: Percent | None = None


class CriterionPatch(Schema):
    """Only the fields sent are changed."""

    title: str | None = None
    max_points: Points | None = None
    method: str | None = None
    step: Points | None = None
    guidance: str | None = None
    evidence_expected: str | None = None
    target_code: str | None = None
    floor_percent: Percent | None = None


# ---------------------------------------------------------------- pledge


class TaskGroupOut(Schema):
    id: int
    position: int
    title: str
    content: str


class PledgeOut(Schema):
    id: int
    emulation_year_id: int
    number: str
    title: str
    issuer: str
    parent_issuer: str
    place: str
    preamble: str
    signed_on: datetime.date | None
    conference: str
    is_signed: bool
    task_groups: list[TaskGroupOut]
    signatories: list[UnitRefOut]


class PledgeIn(Schema):
    title: str
    issuer: str
    place: str
    number: str = ""
    parent_issuer: str = ""
    preamble: str = ""


class TaskGroupIn(Schema):
    title: str
    content: str = ""


class SignIn(Schema):
    signed_on: datetime.date
    conference: str = ""


# ---------------------------------------------------------------- targets


class TargetOut(Schema):
    id: int
    emulation_year_id: int
    unit_id: int
    unit: str
    code: str
    title: str
    kind: str
    planned: str
    actual: str | None
    measure: str
    attainment: str | None
    met: bool | None


class TargetIn(Schema):
    title: str
    kind: str
    planned: Quantity
    measure: str = ""


class ActualIn(Schema):
    actual: Quantity | None


# ---------------------------------------------------------------- sheets


class TotalsOut(Schema):
    total: str
    maximum: str
    percent: str | None
    regular: str
    bonus: str
    deductions: str
    complete: bool


class SheetRowOut(Schema):
    """A sheet in a period's list; totals only for those the caller may see."""

    id: int
    unit_id: int
    unit: str
    status: str
    status_label: str
    reopened_until: datetime.date | None
    visible: bool
    self_totals: TotalsOut | None
    proposed_totals: TotalsOut | None


class CellOut(Schema):
    points: str | None
    applicable: bool


class ScoreOut(Schema):
    """One stored cell of one layer."""

    criterion_id: int
    stage: str
    reviewer_id: int | None
    points: str | None
    applicable: bool
    note: str
    updated_at: datetime.datetime


class ReviewOut(Schema):
    reviewer_id: int
    reviewer: str
    points: str | None
    applicable: bool
    note: str


class NoteCellOut(Schema):
    points: str | None
    applicable: bool
    note: str


class LineOut(Schema):
    criterion_id: int
    number: str
    title: str
    section: str
    method: str
    max_points: str
    derived: str | None
    self_score: NoteCellOut | None
    review: CellOut | None
    reviews: list[ReviewOut]
    explanation: NoteCellOut | None
    second: CellOut | None
    second_reviews: list[ReviewOut]
    final: CellOut | None
    proposed: CellOut | None
    disputed: bool
    inflated: bool


class SheetAccessOut(Schema):
    """What the caller may do with this sheet."""

    self_assess: bool
    review_as: list[int]
    manage: bool
    see_reviewers: bool


class SheetOut(Schema):
    id: int
    period_id: int
    emulation_year_id: int
    unit_id: int
    unit: str
    scale_id: int
    status: str
    status_label: str
    locked: bool
    reopened_until: datetime.date | None
    submitted_at: datetime.datetime | None
    finalized_at: datetime.datetime | None
    aggregation: str
    final_total: str | None
    final_max: str | None
    lines: list[LineOut]
    self_totals: TotalsOut
    review_totals: TotalsOut | None
    proposed_totals: TotalsOut | None
    access: SheetAccessOut


class SelfScoreIn(Schema):
    points: Points | None = None
    applicable: bool = True
    note: str = ""


class ReviewScoreIn(Schema):
    """``reviewer_id`` may be left out when the caller enters for one reviewer unit only."""

    reviewer_id: int | None = None
    stage: str = "review"
    points: Points | None = None
    applicable: bool = True
    note: str = ""


class ExplanationIn(Schema):
    note: str
    points: Points | None = None


class ReopenIn(Schema):
    reason: str
    until: datetime.date


class HistoryEntryOut(Schema):
    at: datetime.datetime
    actor: str | None
    action: str
    stage: str
    reviewer_id: int | None
    before: dict | None
    after: dict | None
    reason: str


# ---------------------------------------------------------------- ranking


class RankRowOut(Schema):
    rank: int
    sheet_id: int
    unit_id: int
    name: str
    total: str
    maximum: str
    percent: str
    self_total: str | None
    decided_by: str
    suggestion: str


class PendingOut(Schema):
    sheet_id: int
    unit_id: int
    name: str
    status: str


class RankingOut(Schema):
    period_id: int
    published: bool
    tie_breaks: list[str]
    rows: list[RankRowOut]
    warnings: list[str]
    pending: list[PendingOut]


# ---------------------------------------------------------------- Excel import


class ImportProblemOut(Schema):
    sheet: str
    row: int | None
    column: str | None
    message: str


class ImportRejectedOut(Schema):
    detail: str
    problems: list[ImportProblemOut]


class ImportOut(Schema):
    """``repaired``: reasons typed in a legacy encoding (TCVN3, VNI) that were converted."""

    detail: str
    changed: int
    unchanged: int
    repaired: list[ImportProblemOut]

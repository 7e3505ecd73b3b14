"""Test data for the emulation app: a small emulation year on top of the organizations cast."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal as D

from emulation.models import (
    Criterion,
    EmulationYear,
    Method,
    Period,
    PeriodKind,
    ReviewMode,
    Scale,
    ScoreSheet,
    Section,
)
from emulation.services import cycle, scales, sheets
from emulation.services import targets as target_services
from organizations.models import ClusterLeadership, Position
from organizations.testing import Cast, make_cast


@dataclass
class World:
    """The cast, its cluster's 2021 emulation year with a 100 + 5 point scale, the
    year-end period (01/11–10/12/2021) and one sheet per member."""

    cast: Cast
    year: EmulationYear
    scale: Scale
    period: Period
    leaves: dict[str, Criterion]

    def sheet(self, unit) -> ScoreSheet:
        return ScoreSheet.objects.get(period=self.period, unit=unit)

    @property
    def deputy_unit(self):
        return self.cast.members[2]


DURING = datetime.date(2021, 11, 15)
AFTER = datetime.date(2021, 12, 20)


def build_scale(scale: Scale, actor) -> dict[str, Criterion]:
    """Two groups (60 + 40) with five leaves, a bonus and a deduction leaf:
    1 Công tác tổ chức (60): 1.1 manual 20 (step 0,5), 1.2 yes/no 10,
      1.3 Kết nạp đảng viên (target "ket-nap", 30, floor 50%);
    2 Công tác cán bộ (40): 2.1 manual 25, 2.2 manual 15;
    3 Điểm thưởng: 3.1 bonus 5 (scale bonus cap 5); 4 Điểm trừ: 4.1 late reports 5."""
    add = scales.add_criterion
    g1 = add(scale, title="Công tác tổ chức", max_points=D(60), actor=actor)
    g2 = add(scale, title="Công tác cán bộ", max_points=D(40), actor=actor)
    g3 = add(scale, title="Điểm thưởng", max_points=D(5), section=Section.BONUS, actor=actor)
    g4 = add(scale, title="Điểm trừ", max_points=D(5), section=Section.DEDUCTION, actor=actor)
    leaves = {
        "1.1": add(
            scale, parent=g1, title="Tham mưu kiện toàn tổ chức", max_points=D(20), actor=actor
        ),
        "1.2": add(
            scale,
            parent=g1,
            title="Ban hành quy chế làm việc",
            max_points=D(10),
            method=Method.YES_NO,
            actor=actor,
        ),
        "1.3": add(
            scale,
            parent=g1,
            title="Kết nạp đảng viên",
            max_points=D(30),
            method=Method.TARGET,
            target_code="ket-nap",
            floor_percent=D(50),
            actor=actor,
        ),
        "2.1": add(scale, parent=g2, title="Quy hoạch cán bộ", max_points=D(25), actor=actor),
        "2.2": add(scale, parent=g2, title="Đánh giá cán bộ", max_points=D(15), actor=actor),
        "3.1": add(
            scale, parent=g3, title="Mô hình mới, cách làm hay", max_points=D(5), actor=actor
        ),
        "4.1": add(scale, parent=g4, title="Báo cáo chậm", max_points=D(5), actor=actor),
    }
    return leaves


def make_world(review_mode: str = ReviewMode.LEADERS, aggregation: str = "mean") -> World:
    cast = make_cast()
    ClusterLeadership.objects.create(
        cluster=cast.cluster, year=2021, unit=cast.members[2], position=Position.DEPUTY
    )
    admin = cast.admin
    year = cycle.open_year(
        cluster=cast.cluster,
        year=2021,
        title="Thi đua năm 2021 – Cụm 2",
        review_mode=review_mode,
        aggregation=aggregation,
        tie_breaks=["fewer_deductions", "group:1"],
        actor=admin,
    )
    scale = scales.create_scale(year, title="Thang điểm 2021", bonus_cap=D(5), actor=admin)
    leaves = build_scale(scale, admin)
    period = cycle.add_period(
        year,
        kind=PeriodKind.YEAREND,
        opens_on=datetime.date(2021, 11, 1),
        due_on=datetime.date(2021, 12, 10),
        actor=admin,
    )
    for unit in cast.members:
        target_services.set_target(
            year,
            unit,
            code="ket-nap",
            title="Kết nạp đảng viên",
            kind="count",
            planned=D(240),
            actor=admin,
            measure="đảng viên",
        )
    sheets.open_sheets(period, actor=admin)
    return World(cast, year, scale, period, leaves)


def self_assess(world: World, unit, points: dict[str, D | None], *, submit: bool = True):
    """Fill a unit's self scores (missing leaves get their maximum) and submit."""
    sheet = world.sheet(unit)
    for number, leaf in world.leaves.items():
        if leaf.method == Method.TARGET:
            continue
        value = points.get(number, leaf.max_points if leaf.section == Section.REGULAR else D(0))
        if value is None:
            sheets.set_self_score(
                sheet,
                leaf,
                applicable=False,
                note="Không có nhiệm vụ này",
                actor=world.cast.admin,
                day=DURING,
            )
        else:
            sheets.set_self_score(sheet, leaf, points=value, actor=world.cast.admin, day=DURING)
    if submit:
        sheets.submit(sheet, actor=world.cast.admin, day=DURING)
    return sheet


def review(world: World, unit, reviewer, points: dict[str, D | None], stage: str = "review"):
    """One reviewer scores a unit (missing leaves: the unit's self score or 0)."""
    sheet = world.sheet(unit)
    own = {s.criterion_id: s for s in sheet.scores.filter(stage="self")}
    for number, leaf in world.leaves.items():
        if leaf.method == Method.TARGET or (stage != "review" and number not in points):
            continue
        if number in points:
            value = points[number]
        else:
            self_score = own.get(leaf.pk)
            value = self_score.points if self_score else D(0)
        sheets.set_review_score(
            sheet,
            leaf,
            reviewer,
            points=value,
            applicable=value is not None,
            actor=world.cast.admin,
            stage=stage,
        )
    return sheet

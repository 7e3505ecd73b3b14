"""Demo data: Cụm thi đua số 2's current year, in progress, so a visitor can try the work.

The year-end period is open around the day the demo is loaded (opened two weeks before,
due two weeks after), on a copy of the 2021 scale. Some boards have submitted their
self-assessment and been reviewed, some have submitted, and the rest are still scoring.
Leaders of the year are recorded as invented demo data when no source gave them.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.text import sorted_vi
from emulation import demo as demo_2021
from emulation.models import EmulationYear, Method, PeriodKind, Phase, ReviewMode, Section
from emulation.services import cycle, scales, sheets, targets
from organizations.models import ClusterLeadership, FactStatus, Position
from organizations.services import clusters as cluster_services

D = Decimal
LEADERS = [
    ("Quảng Ninh", Position.HEAD),
    ("Hải Phòng", Position.DEPUTY),
    ("Nghệ An", Position.DEPUTY),
]
STILL_SCORING = "Hưng Yên"
NOTE = "Dữ liệu minh họa: năm thi đua đang diễn ra."


def _points(rng: random.Random, maximum: Decimal, step: Decimal, quality: float) -> Decimal:
    raw = Decimal(str(maximum * Decimal(str(min(1.0, rng.gauss(quality, 0.06))))))
    snapped = (raw / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return min(max(snapped, D(0)), maximum)


@transaction.atomic
def load_current_year(today: datetime.date | None = None) -> bool:
    """Returns False (changing nothing) when the year exists or Cụm 2 has no members then."""
    today = today or datetime.date.today()
    cluster = demo_2021._cluster()
    year_number = today.year
    if EmulationYear.objects.filter(cluster=cluster, year=year_number).exists():
        return False
    members = list(cluster_services.members(cluster, year_number))
    if not members:
        return False
    source = EmulationYear.objects.filter(cluster=cluster, year=demo_2021.YEAR).first()
    if source is None:
        return False
    admin = demo_2021._user("admin")
    units = {m.short_name: m.unit for m in members}
    if not ClusterLeadership.objects.filter(cluster=cluster, year=year_number).exists():
        for name, position in LEADERS:
            if name in units:
                cluster_services.set_leader(
                    cluster,
                    units[name],
                    year_number,
                    position,
                    actor=admin,
                    status=FactStatus.INVENTED,
                    note=NOTE,
                )
    officers = {
        "Quảng Ninh": demo_2021._user("quangninh"),
    }
    manager = officers.get("Quảng Ninh") or admin
    year = cycle.open_year(
        cluster=cluster,
        year=year_number,
        title=f"Thi đua năm {year_number} – Cụm thi đua số 2",
        review_mode=ReviewMode.LEADERS,
        aggregation="mean",
        tie_breaks=["fewer_deductions", "group:1", "more_at_maximum"],
        actor=manager,
    )
    scale = scales.copy_scale(
        scales.current_scale(source),
        into=year,
        title=f"Tiêu chí và thang điểm thi đua năm {year_number}",
        actor=manager,
    )
    opens_on, due_on = today - datetime.timedelta(days=14), today + datetime.timedelta(days=14)
    period = cycle.add_period(
        year, kind=PeriodKind.YEAREND, opens_on=opens_on, due_on=due_on, actor=manager
    )
    rng = random.Random(year_number)  # noqa: S311 - reproducible demo figures
    leaves = scales.leaves(scale)
    codes = sorted({c.target_code for c in leaves if c.target_code})
    for unit in units.values():
        for code in codes:
            model = source.targets.filter(code=code).first()
            planned = model.planned if model else D(1)
            target = targets.set_target(
                year,
                unit,
                code=code,
                title=model.title if model else code,
                kind=model.kind if model else "count",
                planned=planned,
                measure=model.measure if model else "",
                actor=manager,
            )
            factor = Decimal(str(round(rng.uniform(0.85, 1.12), 2)))
            actual = (planned * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            if target.kind == "percent":
                actual = min(actual, D(100))
            elif target.kind == "yes_no":
                actual = D(1)
            targets.record_actual(target, actual, actor=manager)
    cycle.advance_phase(year, Phase.YEAREND, actor=manager)
    sheets.open_sheets(period, actor=manager)
    reviewers = sheets.reviewer_units(year)
    # Hưng Yên (the demo account "hungyen") is still scoring, so a visitor can try it.
    names = [n for n in sorted_vi(units) if n != STILL_SCORING]
    submitted, reviewed = names[: len(names) * 2 // 3], names[: len(names) // 3]
    if STILL_SCORING in units:
        names.append(STILL_SCORING)
    for name in names:
        sheet = period.sheets.get(unit=units[name])
        quality = rng.uniform(0.82, 0.97)
        hand = [c for c in leaves if c.method not in (Method.TARGET, Method.RELATIVE)]
        # Boards still scoring have filled about half of their sheet.
        todo = hand if name in submitted else hand[: len(hand) // 2]
        for leaf in todo:
            if leaf.method == Method.YES_NO:
                points = leaf.max_points if rng.random() < quality else D(0)
            elif leaf.section == Section.REGULAR:
                points = _points(rng, leaf.max_points, leaf.step, quality)
            else:
                points = D(0) if rng.random() < 0.6 else leaf.step
            sheets.set_self_score(sheet, leaf, points=points, actor=manager, day=today)
        if name not in submitted:
            continue
        sheets.submit(sheet, actor=manager, day=today)
        if name not in reviewed:
            continue
        own = {s.criterion_id: s.points for s in sheet.scores.filter(stage="self")}
        for reviewer in reviewers:
            if reviewer.pk == sheet.unit_id:
                continue
            for leaf in hand:
                given = own[leaf.pk]
                if leaf.method == Method.MANUAL and rng.random() < 0.15:
                    given = max(D(0), given - leaf.step)
                sheets.set_review_score(sheet, leaf, reviewer, points=given, actor=manager)
        sheets.complete_review(sheet, actor=manager)
    return True

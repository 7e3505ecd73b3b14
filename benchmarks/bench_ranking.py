"""Ranking a cluster at full size: 20 units × 150 criteria with cross-assessment
(20 × 19 × 150 = 57.000 review scores), next to a bare Django view in the same run.

    python benchmarks/bench_ranking.py   # DATABASE_URL defaults to .../thidua_bench_ranking

Prints the time to compute the ranking (services.ranking.rank), to render the ranking page
(the whole request through the test client and every middleware), and to answer a bare
Django view (/healthz/, same client, same middleware), each the median of several runs, and
the ratios. The data is built once with bulk inserts (not measured); the review round and
finalization go through the services.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thidua_bench_ranking")
import _setup  # noqa: E402

UNITS, GROUPS, LEAVES_PER_GROUP = 20, 10, 15  # 150 leaves
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def build():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from core.roles import Role
    from emulation.models import (
        Criterion,
        EmulationYear,
        Method,
        Participant,
        Period,
        Scale,
        Score,
        ScoreSheet,
        Section,
        SheetStatus,
    )
    from organizations.models import Cluster, RoleAssignment, Sector, Unit, UnitKind, UnitVersion

    with transaction.atomic():
        sector, _ = Sector.objects.get_or_create(code="bench", defaults={"name": "Bench"})
        kind, _ = UnitKind.objects.get_or_create(
            code="provincial_board", defaults={"name": "Ban tổ chức tỉnh ủy", "level": 2}
        )
        number = (Cluster.objects.filter(sector=sector).count() or 0) + 1
        cluster = Cluster.objects.create(sector=sector, number=number, name=f"Cụm bench {number}")
        stamp = time.time_ns()
        units = Unit.objects.bulk_create(
            Unit(code=f"B{stamp}-{i}", kind=kind) for i in range(UNITS)
        )
        UnitVersion.objects.bulk_create(
            UnitVersion(
                unit=u,
                name=f"Ban Tổ chức Tỉnh ủy Thử {i}",
                short_name=f"Thử {i:02d}",
                name_key=f"thu {i:02d}",
                search_key=f"thu {i:02d}",
                valid_from=datetime.date(2008, 1, 1),
            )
            for i, u in enumerate(units)
        )
        year = EmulationYear.objects.create(
            cluster=cluster,
            year=2021,
            title="BENCH",
            review_mode="cross",
            aggregation="trimmed",
            tie_breaks=["fewer_deductions", "group:1", "more_at_maximum"],
        )
        Participant.objects.bulk_create(Participant(emulation_year=year, unit=u) for u in units)
        scale = Scale.objects.create(emulation_year=year, title="BENCH", total_max=Decimal(100))
        leaves = []
        for g in range(1, GROUPS + 1):
            group = Criterion.objects.create(
                scale=scale,
                position=g,
                number=str(g),
                title=f"Nhóm {g}",
                max_points=Decimal(10),
                section=Section.REGULAR,
            )
            for leaf in range(1, LEAVES_PER_GROUP + 1):
                leaves.append(
                    Criterion(
                        scale=scale,
                        parent=group,
                        position=leaf,
                        number=f"{g}.{leaf}",
                        title=f"Tiêu chí {g}.{leaf}",
                        max_points=Decimal("0.5") if leaf > 5 else Decimal(1),
                        method=Method.MANUAL,
                        step=Decimal("0.25"),
                    )
                )
        leaves = Criterion.objects.bulk_create(leaves)
        period = Period.objects.create(
            emulation_year=year,
            kind="yearend",
            opens_on=datetime.date(2021, 11, 1),
            due_on=datetime.date(2021, 12, 10),
        )
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(period=period, unit=u, scale=scale, status=SheetStatus.SUBMITTED)
            for u in units
        )
        rng = random.Random(2021)  # noqa: S311 - reproducible figures
        rows = []
        for sheet in sheets:
            for c in leaves:
                rows.append(Score(sheet=sheet, criterion=c, stage="self", points=c.max_points))
                for reviewer in units:
                    if reviewer.pk != sheet.unit_id:
                        steps = int(c.max_points / Decimal("0.25"))
                        rows.append(
                            Score(
                                sheet=sheet,
                                criterion=c,
                                stage="review",
                                reviewer=reviewer,
                                points=Decimal("0.25") * rng.randint(steps // 2, steps),
                            )
                        )
        Score.objects.bulk_create(rows, batch_size=5000)
        user_model = get_user_model()
        manager, _ = user_model.objects.get_or_create(username="bench-manager")
        department = Unit.objects.create(code=f"BD{stamp}", kind=kind)
        cluster.department = department
        cluster.save(update_fields=["department"])
        RoleAssignment.objects.create(user=manager, role=Role.DEPARTMENT_STAFF, unit=department)
    return period, manager, len(rows)


def finalize(period, manager):
    from emulation.services import sheets

    for sheet in period.sheets.select_related("period__emulation_year", "scale", "unit"):
        sheets.complete_review(sheet, actor=manager)
        sheets.finalize(sheet, actor=manager)


def median_seconds(action, runs=RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    _setup.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from emulation.services import ranking

    setup_test_environment()  # lets the test client run against the benchmark database
    start = time.perf_counter()
    period, manager, scores = build()
    built = time.perf_counter() - start
    start = time.perf_counter()
    finalize(period, manager)
    finalized = time.perf_counter() - start

    client = Client()
    client.force_login(manager)
    page_url = reverse("emulation:ranking", args=[period.pk])
    assert client.get(page_url).status_code == 200
    assert client.get("/healthz/").status_code == 200
    result = ranking.rank(period)
    assert len(result.rows) == UNITS

    rank_s = median_seconds(lambda: ranking.rank(period))
    page_s = median_seconds(lambda: client.get(page_url))
    bare_s = median_seconds(lambda: client.get("/healthz/"))
    print(f"bench_ranking · database {_setup.database_name()}")
    print(
        f"  cluster: {UNITS} units × {GROUPS * LEAVES_PER_GROUP} criteria, cross-assessment, "
        f"{scores:,} scores (self + review)"
    )
    print(f"  build (bulk inserts, not measured below): {built:.1f} s")
    print(f"  complete review + finalize 20 sheets through the services: {finalized:.1f} s")
    print(f"  ranking.rank(period), median of {RUNS}: {rank_s * 1000:.0f} ms")
    print(f"  ranking page (whole request), median of {RUNS}: {page_s * 1000:.0f} ms")
    print(f"  bare view /healthz/ (same client), median of {RUNS}: {bare_s * 1000:.1f} ms")
    print(f"  ratio page / bare view: {page_s / bare_s:.0f}×; rank / page: {rank_s / page_s:.0%}")


if __name__ == "__main__":
    main()

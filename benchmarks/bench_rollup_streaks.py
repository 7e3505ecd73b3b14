"""The national roll-up of a year's member results and every five-year streak, each next to
its floor, on the same PostgreSQL in one run (issue 4 §5).

- roll-up: ``commendation.services.rollups.national_people_rollup`` (every province with
  everything under it, and the nation); floor: one hand-written ``GROUP BY unit_id, level``
  over the year's results (the aggregation a roll-up cannot do without). Target: ≤ 1,5 ×
  the floor. Also shown: the per-province drill-down ``people_rollup`` run for all 34.
- streaks: ``commendation.services.streaks.people_streaks`` (everyone at HTTNV or better
  five years running, ending at the last year); floor: one hand-written window query (gaps
  and islands) returning the same people. Target: ≤ 2 × the floor.
Each figure is the median of several runs; the data comes from ``generate.py``.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_bench \\
       python benchmarks/bench_rollup_streaks.py [--scale 0.01]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _setup  # noqa: E402

RUNS = 5

FLOOR_ROLLUP = """
SELECT unit_id, level, count(*) FROM commendation_personclassification
WHERE year = %s GROUP BY unit_id, level
"""

FLOOR_STREAKS = """
SELECT person_id, count(*) AS length FROM (
  SELECT person_id, year, year - row_number() OVER (PARTITION BY person_id ORDER BY year) AS run
  FROM commendation_personclassification WHERE level <= %s AND year <= %s
) numbered
GROUP BY person_id, run
HAVING max(year) = %s AND count(*) >= %s
"""


def median(action) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def raw(sql: str, params: list):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    _setup.setup()
    import generate

    from commendation.models import Level
    from commendation.services import rollups, streaks
    from organizations.models import Unit

    meta = generate.ensure(args.scale, args.years)
    year = meta["last_year"]
    provinces = list(Unit.objects.filter(kind__code="province_committee"))

    def drill_down_all():
        return [rollups.people_rollup(year, province)[0] for province in provinces]

    rollup_s, rows = median(lambda: rollups.national_people_rollup(year))
    floor_rollup_s, groups = median(lambda: raw(FLOOR_ROLLUP, [year]))
    drill_s, drilled = median(drill_down_all)
    counted = rows[-1].total
    floor_counted = sum(count for _, _, count in groups)
    assert counted == floor_counted == sum(r.total for r in drilled), (counted, floor_counted)

    level, length = Level.GOOD, args.years
    streak_s, found = median(
        lambda: streaks.people_streaks(level=level, length=length, until_year=year)
    )
    floor_streak_s, floor_found = median(lambda: raw(FLOOR_STREAKS, [level, year, year, length]))
    assert {p for p, _ in found} == {p for p, _ in floor_found}

    print(f"bench_rollup_streaks · database {_setup.database_name()} · scale {args.scale}")
    print(
        f"  data: {meta['members']:,} members, {meta['results']:,} results "
        f"({meta['first_year']}–{year}), {len(provinces)} provinces"
    )
    ratio = rollup_s / floor_rollup_s
    print(
        f"  national roll-up {year} ({counted:,} results, {len(provinces)} province trees): "
        f"{rollup_s:.3f} s; floor GROUP BY {floor_rollup_s:.3f} s; "
        f"ratio {ratio:.2f} (target ≤ 1.5: {'met' if ratio <= 1.5 else 'MISSED'})"
    )
    print(f"  drill-down people_rollup for each of the {len(provinces)} provinces: {drill_s:.3f} s")
    ratio = streak_s / floor_streak_s
    print(
        f"  five-year streaks at HTTNV or better ending {year} ({len(found):,} people): "
        f"{streak_s:.3f} s; "
        f"floor window query {floor_streak_s:.3f} s; "
        f"ratio {ratio:.2f} (target ≤ 2: {'met' if ratio <= 2 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()

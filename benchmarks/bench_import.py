"""Import one year of member results, next to its floor, on the same PostgreSQL in one run.

- floor: plain ``COPY ... FROM STDIN (FORMAT csv, HEADER)`` of the same file into an
  unindexed table with text columns (the fastest the server can take the bytes), run before
  and after the import; the faster of the two is the floor;
- import: ``commendation.services.imports.import_person_results`` on the file, whole (read,
  stage, validate against 5.6 M members and the units, insert with the table's indexes, commit),
  then its rows are deleted again so the benchmark can be repeated;
- peak resident memory of the import: VmHWM reset just before it (Linux clear_refs), read after.

Targets (issue 4 §5): import ≥ 50 % of the floor's rows/s; import ≤ 1 GiB resident memory.
The data comes from ``generate.py`` (made here at ``--scale`` if missing).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_bench \\
       python benchmarks/bench_import.py [--scale 0.01] [--fk-triggers] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _setup  # noqa: E402

GiB = 1024**3
TARGET_SHARE = 0.5


def copy_floor(csv_path: Path) -> float:
    """Seconds for a plain COPY of the file into an unindexed, freshly created table."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_floor")
        cursor.execute(
            "CREATE TABLE bench_copy_floor (a text, b text, c text, d text, e text, f text, g text)"
        )
    raw.commit()
    started = time.perf_counter()
    with (
        csv_path.open("rb") as source,
        raw.cursor() as cursor,
        cursor.copy("COPY bench_copy_floor FROM STDIN (FORMAT csv, HEADER true)") as copy,
    ):
        while block := source.read(1 << 20):
            copy.write(block)
    raw.commit()
    seconds = time.perf_counter() - started
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_floor")
    raw.commit()
    return seconds


RESULT_COLUMNS = (
    'person_id, year, unit_id, level, exemplary, score, rule_set_id, "group", batch_id,'
    " disqualifiers, proposed_by_id, decided_by_id, decided_on"
)


def export_rows(batch_id: int, path: Path) -> None:
    """The imported rows, as PostgreSQL's binary COPY format, for the table-write floor."""
    from django.db import connection

    raw = connection.connection
    query = (
        f"SELECT {RESULT_COLUMNS} FROM commendation_personclassification"
        f" WHERE batch_id = {batch_id:d}"
    )
    with (
        path.open("wb") as out,
        raw.cursor() as cursor,
        cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy,
    ):
        for block in copy:
            out.write(block)
    raw.commit()


def table_write_floor(path: Path) -> float:
    """Seconds for a binary COPY of the already resolved rows into the results table itself,
    with its indexes and the years already in it (per-row foreign-key triggers off, as the
    import has them), rolled back: what writing these rows costs, without reading a CSV or
    checking anything."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection  # in autocommit mode (Django's): the block is explicit
    sql = f"COPY commendation_personclassification ({RESULT_COLUMNS}) FROM STDIN (FORMAT binary)"
    with path.open("rb") as source, raw.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("BEGIN")
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(sql) as copy:
            while block := source.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute("ROLLBACK")
    return seconds


class StageTimer:
    """Time spent in the importer's main steps (wrapped methods), for the breakdown."""

    STEPS = ("stage", "_build_maps", "_build_units", "_insert_if_clean", "_resolve", "_insert")

    def __init__(self) -> None:
        from commendation.services import imports

        self.seconds: dict[str, float] = {}
        for name in self.STEPS:
            self._wrap(imports._Import, name)

    def _wrap(self, cls, name: str) -> None:
        original = getattr(cls, name)
        timer = self

        def timed(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                timer.seconds[name] = timer.seconds.get(name, 0.0) + (time.perf_counter() - started)

        setattr(cls, name, timed)


def run(scale: float, years: int, *, fk_triggers: bool, unordered: bool = False) -> dict:
    import generate
    from django.db import connection

    from commendation.models import ImportBatch, PersonClassification
    from commendation.services import imports

    meta = generate.ensure(scale, years)
    csv_path = Path(meta["csv"])
    year = meta["csv_year"]
    # Leftovers of an interrupted run would make every row "already stored".
    PersonClassification.objects.filter(year=year).delete()
    ImportBatch.objects.filter(year=year).delete()

    floor_before = copy_floor(csv_path)
    imports.SKIP_FK_TRIGGERS = not fk_triggers
    imports.ORDER_BY_PERSON = not unordered
    timer = StageTimer()
    exact_peak = _setup.reset_peak_rss()
    rss_before = _setup.peak_rss_bytes()
    started = time.perf_counter()
    batch = imports.import_person_results(csv_path, year=year, actor=None, file_name=csv_path.name)
    seconds = time.perf_counter() - started
    peak = _setup.peak_rss_bytes()
    if batch.status != ImportBatch.Status.DONE:
        sys.exit(f"Import rejected: {batch.rejected_rows} rows, first errors {batch.errors[:3]}")
    floor_after = copy_floor(csv_path)
    binary = _setup.OUT_DIR / f"{_setup.database_name()}_resolved_{year}.bin"
    export_rows(batch.pk, binary)

    def clean_up() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM commendation_personclassification WHERE year = %s", [year])
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE commendation_personclassification")

    clean_up()
    table_floor = table_write_floor(binary)
    binary.unlink()
    clean_up()

    rows = batch.total_rows
    floor = min(floor_before, floor_after)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "scale": scale,
        "rows": rows,
        "csv_mib": round(meta["csv_bytes"] / 1024 / 1024, 1),
        "members_in_db": meta["members"],
        "results_in_db": meta["results"],
        "floor_seconds": round(floor, 2),
        "floor_rows_per_s": round(rows / floor),
        "import_seconds": round(seconds, 2),
        "import_rows_per_s": round(rows / seconds),
        "share_of_floor": round(floor / seconds, 3),
        "table_floor_seconds": round(table_floor, 2),
        "share_of_table_floor": round(table_floor / seconds, 3),
        "peak_rss_bytes": peak,
        "rss_before_bytes": rss_before,
        "peak_is_import_only": exact_peak,
        "fk_triggers": fk_triggers,
        "ordered_by_person": not unordered,
        "steps": {k: round(v, 2) for k, v in timer.seconds.items()},
        "postgresql": server,
    }


def report(result: dict) -> None:
    share = result["share_of_floor"]
    peak = result["peak_rss_bytes"]
    floor_s, floor_rate = result["floor_seconds"], result["floor_rows_per_s"]
    import_s, import_rate = result["import_seconds"], result["import_rows_per_s"]
    share_verdict = "ĐẠT" if share >= TARGET_SHARE else "CHƯA ĐẠT"
    memory_verdict = "ĐẠT" if peak <= GiB else "CHƯA ĐẠT"
    print(f"Nhập kết quả xếp loại — tỷ lệ {result['scale']}, {result['rows']:,} dòng")
    print(f"  floor (COPY thuần):  {floor_s:8.2f} s  {floor_rate:>10,} dòng/s")
    print(f"  import:              {import_s:8.2f} s  {import_rate:>10,} dòng/s")
    print(f"  tỷ lệ so với floor:  {share:8.1%}  (mục tiêu ≥ {TARGET_SHARE:.0%}: {share_verdict})")
    print(
        f"  ghi cùng các dòng vào bảng kết quả (COPY nhị phân, có chỉ mục): "
        f"{result['table_floor_seconds']:.2f} s — nhập = {result['share_of_table_floor']:.1%} "
        "tốc độ đó"
    )
    print(
        f"  bộ nhớ đỉnh:         {_setup.mib(peak):>8}  (trước khi nhập "
        f"{_setup.mib(result['rss_before_bytes'])}; mục tiêu ≤ 1 GiB: {memory_verdict})"
    )
    steps = ", ".join(f"{k.strip('_')} {v:.2f} s" for k, v in result["steps"].items())
    print(f"  các bước: {steps}")
    print(f"  trigger khóa ngoại từng dòng: {'có' if result['fk_triggers'] else 'bỏ qua'}")
    print(f"  ghi theo thứ tự đảng viên: {'có' if result['ordered_by_person'] else 'không'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--fk-triggers", action="store_true", help="keep the per-row foreign-key triggers"
    )
    parser.add_argument(
        "--unordered", action="store_true", help="save the rows in file order (what-if)"
    )
    parser.add_argument("--json", help="append the figures to this JSON-lines file")
    args = parser.parse_args()
    _setup.setup()
    result = run(args.scale, args.years, fk_triggers=args.fk_triggers, unordered=args.unordered)
    report(result)
    if args.json:
        with open(args.json, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

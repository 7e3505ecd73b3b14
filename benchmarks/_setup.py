"""Shared start-up of the benchmark scripts: Django on the PostgreSQL of DATABASE_URL.

Benchmarks write millions of rows and empty tables, so they run only on a database whose
name contains "bench" (default ``thidua_bench`` on the local server), which they create when
it is missing. They never touch the databases of tests (``test_*``) or of other people.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_bench"
OUT_DIR = ROOT / "var" / "bench"


def setup() -> None:
    """Point Django at the benchmark database (created if missing) and start it."""
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"Benchmarks need PostgreSQL: DATABASE_URL={url!r}")
    import dj_database_url

    settings = dj_database_url.parse(url)
    name = settings["NAME"]
    if "bench" not in name or name.startswith("test_"):
        sys.exit(
            f"Benchmarks empty and refill their database: its name must contain “bench” "
            f"(got {name!r}). Example: DATABASE_URL={DEFAULT_URL}"
        )
    _create_database(settings)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    import django

    django.setup()
    OUT_DIR.mkdir(parents=True, exist_ok=True)


def _create_database(settings: dict) -> None:
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def peak_rss_bytes() -> int:
    """The process's peak resident memory (VmHWM), or ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current resident size (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MiB"

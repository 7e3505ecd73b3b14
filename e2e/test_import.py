"""Hưng Yên's officer imports a grassroots organization's 2026 member results from a CSV file:
the batch finishes and says how many results it saved; the same file again is refused row by
row with the reason; removing the first batch deletes its results, and the file then goes in
again."""

import csv
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from commendation import demo as commendation_demo
from commendation.models import ImportBatch, Level, Person, PersonClassification
from organizations import demo
from organizations.models import Unit

YEAR = 2026
COMMUNE, ORG = 2, 4  # Chi bộ Thôn 4 (Nghĩa Trụ): no streak, no mover, not over the quota
MEMBERS = 10
# (Xếp loại as typed, Điểm as typed, the level and score saved): the 366 bands, with the
# Vietnamese decimal comma and both spellings of a level; 1 HTXSNV ≤ 20 % of 7 HTTNV.
ROWS = [
    ("HTXSNV", "95", Level.EXCELLENT, Decimal("95")),
    ("HTTNV", "89,5", Level.GOOD, Decimal("89.5")),
    ("Hoàn thành tốt nhiệm vụ", "70", Level.GOOD, Decimal("70")),
    ("HTTNV", "82", Level.GOOD, Decimal("82")),
    ("HTTNV", "75,25", Level.GOOD, Decimal("75.25")),
    ("HTTNV", "88", Level.GOOD, Decimal("88")),
    ("HTTNV", "71", Level.GOOD, Decimal("71")),
    ("HTTNV", "80", Level.GOOD, Decimal("80")),
    ("HTNV", "69,5", Level.COMPLETED, Decimal("69.5")),
    ("KHTNV", "45", Level.NOT_COMPLETED, Decimal("45")),
]
DECIDED_ON = "20/11/2026"  # a decision already taken (a future date is refused)
STORED = f"đã có kết quả xếp loại năm {YEAR}"


@pytest.fixture
def demo_world(transactional_db, settings, tmp_path):
    # The uploads (and the demo's proposal files) go to a temporary folder, not var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rule sets and the forms catalogue come from data migrations, and an earlier browser
    # test's flush deletes them: load them again the way the migrations do.
    from commendation.models import RuleSet

    if not RuleSet.objects.exists():
        for name in ("0002_rule_sets", "0004_rule_set_before_132", "0006_form_catalogue"):
            importlib.import_module(f"commendation.migrations.{name}").load(django_apps, None)
    demo.load_all()
    commendation_demo.load_all()


@pytest.fixture
def import_mode(settings):
    """On PostgreSQL the import runs in its background thread, as in production, and the
    batch page polls its progress. pytest-django's SQLite test database lives in memory with
    a shared cache: there a ROLLBACK in the worker's connection (a refused file) aborts the
    live server's reads in progress ("abort due to ROLLBACK": a 500 on the batch page), which
    never happens with the file database and WAL of a real SQLite install. So on that test
    database the import runs inside the upload request (THIDUA_IMPORT_INLINE)."""
    from django.db import connection

    settings.THIDUA_IMPORT_INLINE = connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.fixture
def results_file(demo_world, tmp_path):
    """Ten members of one organization with no 2026 result, as a UTF-8 CSV."""
    org = Unit.objects.get(code=commendation_demo.org_code(COMMUNE, ORG))
    members = list(Person.objects.filter(unit=org).order_by("code")[:MEMBERS])
    assert len(members) == MEMBERS
    assert not PersonClassification.objects.filter(person__in=members, year=YEAR).exists()
    path = tmp_path / f"ket-qua-{YEAR}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Mã đảng viên",
                "Họ và tên",
                "Mã đơn vị",
                "Năm",
                "Xếp loại",
                "Điểm",
                "Cấp ủy quyết định",
                "Ngày quyết định",
            ]
        )
        for person, (level, score, _, _) in zip(members, ROWS, strict=True):
            commune = commendation_demo.commune_code(COMMUNE)
            writer.writerow(
                [person.code, person.full_name, org.code, YEAR, level, score, commune, DECIDED_ON]
            )
    return path, members


def upload(page, live_server, path, province):
    page.goto(f"{live_server.url}/xep-loai/nhap/")
    expect(
        page.get_by_role("heading", name="Nhập kết quả xếp loại đảng viên từ tệp")
    ).to_be_visible()
    page.get_by_label("Năm xếp loại").fill(str(YEAR))
    page.get_by_label("Phạm vi (đơn vị)").select_option(str(province.pk))
    page.get_by_label("Tệp kết quả (.csv hoặc .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    # The batch page polls its progress every second until the import has finished.
    outcome = page.locator("#batch-progress h2.outcome")
    expect(outcome).to_be_visible(timeout=60_000)
    return outcome


def stored(members) -> list[PersonClassification]:
    return list(
        PersonClassification.objects.filter(person__in=members, year=YEAR)
        .select_related("decided_by", "batch")
        .order_by("person__code")
    )


def test_an_officer_imports_a_file_is_refused_twice_and_imports_it_again_after_removing(
    page, live_server, demo_world, import_mode, results_file, artifacts
):
    path, members = results_file
    province = Unit.objects.get(code=commendation_demo.PROVINCE_CODE)
    commune = Unit.objects.get(code=commendation_demo.commune_code(COMMUNE))

    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("hungyen")
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    # 1. The file goes in whole.
    outcome = upload(page, live_server, path, province)
    expect(outcome).to_have_text("Đã nhập xong")
    expect(page.locator("#batch-progress")).to_contain_text(
        f"Đã lưu {MEMBERS} kết quả xếp loại năm {YEAR}."
    )
    counts = page.locator("#batch-counts tbody td")
    expect(counts).to_have_text(["1", "7", "1", "1"])
    first = ImportBatch.objects.get(status=ImportBatch.Status.DONE)
    assert page.url.endswith(f"/xep-loai/nhap/{first.pk}/")
    saved = stored(members)
    assert [(r.level, r.score) for r in saved] == [(row[2], row[3]) for row in ROWS]
    assert {r.batch_id for r in saved} == {first.pk}
    assert {r.decided_by for r in saved} == {commune}
    assert {r.decided_on.strftime("%d/%m/%Y") for r in saved} == {DECIDED_ON}
    page.screenshot(path=str(artifacts / "import_done.png"), full_page=True)

    # 2. The same file again: every row is refused with the reason, nothing changes.
    outcome = upload(page, live_server, path, province)
    expect(outcome).to_have_text("Tệp bị từ chối: không lưu dòng nào")
    expect(page.locator("#batch-progress")).to_contain_text(f"{MEMBERS} dòng lỗi.")
    errors = page.locator("#batch-errors tbody tr")
    expect(errors).to_have_count(MEMBERS)
    expect(errors.locator("td:first-child")).to_have_text([str(n) for n in range(2, MEMBERS + 2)])
    for person, row in zip(members, errors.all(), strict=True):
        expect(row).to_contain_text(f"Đảng viên mã “{person.code}” {STORED}")
        expect(row).to_contain_text(f"lần nhập số {first.pk}")
    page.screenshot(path=str(artifacts / "import_refused.png"), full_page=True)
    refused = ImportBatch.objects.get(status=ImportBatch.Status.REJECTED)
    assert refused.rejected_rows == MEMBERS
    assert [r.pk for r in stored(members)] == [r.pk for r in saved]

    # 3. Removing the first batch deletes its results, after the browser's confirmation.
    page.goto(f"{live_server.url}/xep-loai/nhap/{first.pk}/")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Xóa lần nhập").click()
    expect(page.locator("ul.messages")).to_contain_text(
        f"Đã xóa lần nhập tệp “{path.name}”: {MEMBERS} kết quả xếp loại đã bị xóa."
    )
    expect(page.locator("#batch-progress h2.outcome")).to_have_text("Đã xóa lần nhập")
    assert dialogs == ["Xóa mọi kết quả xếp loại của lần nhập này?"]
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.REMOVED
    assert stored(members) == []

    # 4. The file goes in again.
    outcome = upload(page, live_server, path, province)
    expect(outcome).to_have_text("Đã nhập xong")
    expect(page.locator("#batch-progress")).to_contain_text(
        f"Đã lưu {MEMBERS} kết quả xếp loại năm {YEAR}."
    )
    again = ImportBatch.objects.get(status=ImportBatch.Status.DONE)
    saved = stored(members)
    assert [(r.level, r.score) for r in saved] == [(row[2], row[3]) for row in ROWS]
    assert {r.batch_id for r in saved} == {again.pk}
    assert {(r.decided_by, r.decided_on.strftime("%d/%m/%Y")) for r in saved} == {
        (commune, DECIDED_ON)
    }
    page.goto(f"{live_server.url}/xep-loai/nhap/")
    expect(page.locator("#recent-imports tbody tr")).to_have_count(3)

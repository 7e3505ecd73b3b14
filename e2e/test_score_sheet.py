"""A board's officer fills its year-end score sheet cell by cell: each saved cell updates the
running total, a refused cell says why and changes nothing, and the department officer
following the cluster sees the board climb the provisional ranking."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine
from playwright.sync_api import expect

from core.templatetags.vn import format_points
from emulation.models import Method, Score, Section
from emulation.services import targets as target_services
from emulation.testing import DURING, make_world, self_assess

PASSWORD = "mat-khau-thu"  # organizations.testing.UserFactory


@pytest.fixture
def world(transactional_db):
    # The live server thread shares the process clock: everyone works on 15/11/2021.
    with time_machine.travel(datetime.datetime.combine(DURING, datetime.time(9)), tick=True):
        world = make_world()
        for unit in world.cast.members:
            target = world.year.targets.get(unit=unit, code="ket-nap")
            target_services.record_actual(target, D(243), actor=world.cast.admin)
        for unit in world.cast.members:
            if unit != world.cast.member_unit:
                # 2.1 at 24,5 of 25: the four others stand at 99,5 of 100.
                self_assess(world, unit, {"2.1": D("24.5")})
        yield world


def login(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def thai_binh_rank(page) -> str:
    row = page.locator("#ranking tr.rank-row", has_text="Thái Bình")
    return row.locator("td.rank").inner_text()


def test_an_officer_scores_cell_by_cell_and_the_board_climbs_the_provisional_ranking(
    browser, live_server, world, artifacts
):
    officer = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    manager = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page, follow = officer.new_page(), manager.new_page()
    for p in (page, follow):
        p.set_default_timeout(15_000)
    sheet = world.sheet(world.cast.member_unit)
    ranking_url = f"{live_server.url}/thi-dua/ky/{world.period.pk}/xep-hang/?tam-tinh=1"

    login(follow, live_server, "vudp1")
    follow.goto(ranking_url)
    expect(
        follow.get_by_role("heading", name="Xếp hạng tạm tính · Tổng kết năm 2021")
    ).to_be_visible()
    # Only the target-driven 1.3 (243/240 ≥ 100% → 30 points) counts for Thái Bình so far.
    assert thai_binh_rank(follow) == "5"

    login(page, live_server, "thaibinh")
    page.goto(f"{live_server.url}{sheet.get_absolute_url()}")
    expect(
        page.get_by_role("heading", name="Bảng điểm Thái Bình – Tổng kết năm 2021")
    ).to_be_visible()

    running = D(30)
    for leaf in world.leaves.values():
        if leaf.method == Method.TARGET:
            continue
        points = leaf.max_points if leaf.section == Section.REGULAR else D(0)
        if leaf.method == Method.BONUS:
            points = D("2.5")
        box = page.locator(f"#self-points-{leaf.pk}")
        box.fill(format_points(points))
        box.press("Tab")
        running += points if leaf.section != Section.DEDUCTION else -points
        expect(page.locator(f"#c-{leaf.pk}-msg")).to_contain_text("Đã lưu")
        expect(page.locator("#total-self")).to_have_text(format_points(running))
    assert running == D("102.5")  # 100 regular points + 2,5 bonus

    # Over the maximum: the row says why in Vietnamese, and nothing changes.
    first = world.leaves["1.1"]
    box = page.locator(f"#self-points-{first.pk}")
    box.fill("25")
    box.press("Tab")
    expect(page.locator(f"#c-{first.pk} .cell-error")).to_contain_text("vượt điểm tối đa 20")
    expect(page.locator("#total-self")).to_have_text("102,5")
    assert Score.objects.get(sheet=sheet, criterion=first, stage="self").points == D(20)
    box.fill("20")
    box.press("Tab")
    expect(page.locator(f"#c-{first.pk}-msg")).to_contain_text("Đã lưu")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / "score_sheet.png"), full_page=False)

    follow.reload()
    # 102,5 of 100 (with the bonus) puts Thái Bình ahead of the four at 99,5.
    assert thai_binh_rank(follow) == "1"
    follow.screenshot(path=str(artifacts / "provisional_ranking.png"), full_page=True)

    page.get_by_role("button", name="Nộp bảng điểm").click()
    expect(page.get_by_text("Đã nộp, chờ bình xét").first).to_be_visible()
    officer.close()
    manager.close()

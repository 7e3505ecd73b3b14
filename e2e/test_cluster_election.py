"""A department officer opens Cụm 2, checks its 2021 members, and runs the 2022 election."""

import re

import pytest
from playwright.sync_api import expect

from core import text
from organizations import demo

CLUSTER_2_IN_2021 = [
    "Hải Phòng",
    "Quảng Ninh",
    "Lạng Sơn",
    "Bắc Giang",
    "Bắc Ninh",
    "Hải Dương",
    "Hưng Yên",
    "Hà Nam",
    "Ninh Bình",
    "Thái Bình",
    "Nam Định",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
]  # as seeds/000 lists them (not sorted)


@pytest.fixture
def demo_world(transactional_db):
    demo.load_registry()
    demo.load_clusters(with_leadership=False)
    demo.load_users()


def login(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()


def test_department_officer_elects_cluster_2_leadership_for_2022(
    page, live_server, demo_world, artifacts
):
    login(page, live_server, "vudp1")
    page.get_by_role("link", name="Cụm thi đua", exact=True).first.click()
    page.get_by_role("link", name="Cụm thi đua số 2").click()
    page.locator("#year-select").select_option("2021")
    expect(page.get_by_role("heading", name="Cụm thi đua số 2 — năm 2021")).to_be_visible()

    names = page.locator("#members td.member-name").all_inner_texts()
    assert len(names) == 14
    assert names == text.sorted_vi(CLUSTER_2_IN_2021)
    assert names.index("Thái Bình") < names.index("Thanh Hóa")  # code-point order says otherwise

    page.get_by_role("link", name=re.compile("Tổ chức bầu Cụm trưởng, Cụm phó năm 2022")).click()
    page.get_by_label("Hội nghị").fill(
        "Hội nghị trực tuyến tổng kết công tác thi đua, khen thưởng năm 2021"
    )
    page.get_by_label("Ngày họp").fill("10/12/2021")
    page.get_by_label("Địa điểm").fill("Thái Bình")
    head_box = page.locator(".candidates").first
    head_box.get_by_label("Quảng Ninh").check()
    deputies_box = page.locator("#deputy-candidates")
    for name in ("Hải Phòng", "Ninh Bình", "Thanh Hóa"):
        deputies_box.get_by_label(name).check()
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(
        page.get_by_role("heading", name=re.compile("Bầu lãnh đạo Cụm thi đua số 2 năm 2022"))
    ).to_be_visible()

    # Paper ballots entered by the department officer: 12 for the winners, 2 for Thanh Hóa.
    for index, name in enumerate(text.sorted_vi(CLUSTER_2_IN_2021)):
        row = page.locator(f'tr.ballot-row[data-unit="{name}"]')
        row.get_by_label("Quảng Ninh").check()
        deputies = ("Hải Phòng", "Ninh Bình") if index < 12 else ("Thanh Hóa",)
        for deputy in deputies:
            row.get_by_label(deputy).check()
        row.get_by_role("button", name="Ghi phiếu").click()
        expect(page.locator(f'tr.ballot-row[data-unit="{name}"]')).to_contain_text("Đã bỏ phiếu")
    expect(page.get_by_role("heading", name="Phiếu bầu (14/14)")).to_be_visible()

    page.get_by_role("button", name="Kết thúc bỏ phiếu và kiểm phiếu").click()
    result = page.locator("#result")
    expect(result).to_contain_text("Đã bầu đủ")
    expect(result.locator(".leaders")).to_contain_text("Cụm trưởng Quảng Ninh")
    expect(result.locator(".leaders")).to_contain_text("Cụm phó Hải Phòng")
    expect(result.locator(".leaders")).to_contain_text("Cụm phó Ninh Bình")
    expect(result.locator(".leaders")).not_to_contain_text("Thanh Hóa")
    page.screenshot(path=str(artifacts / "cluster2-election-2022.png"), full_page=True)

    # The cluster page now shows the 2022 leadership.
    page.get_by_role("link", name=re.compile("Cụm thi đua số 2 2021")).click()
    page.locator("#year-select").select_option("2022")
    expect(page.locator(".leaders").first).to_contain_text("Quảng Ninh")
    page.screenshot(path=str(artifacts / "cluster2-2022.png"), full_page=True)


def test_unit_list_shows_63_then_34_provinces(page, live_server, demo_world, artifacts):
    login(page, live_server, "trunguong")
    page.goto(f"{live_server.url}/don-vi/?as_of=30/06/2025&kind=provincial_board")
    expect(page.locator("#unit-count")).to_contain_text("63 đơn vị vào ngày 30/06/2025")
    page.goto(f"{live_server.url}/don-vi/?as_of=01/07/2025&kind=provincial_board")
    expect(page.locator("#unit-count")).to_contain_text("34 đơn vị vào ngày 01/07/2025")
    page.get_by_role("searchbox").fill("hai phong")
    expect(page.locator("#unit-count")).to_contain_text("1 đơn vị")
    page.get_by_role("link", name="Hải Phòng", exact=True).click()
    expect(page.locator("svg.lineage")).to_contain_text("Hải Dương")
    page.screenshot(path=str(artifacts / "unit-hai-phong.png"), full_page=True)

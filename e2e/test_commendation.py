"""Central staff follow Hưng Yên's classification and commendation in the demo: the commune
over the HTXSNV quota is explained, and the decision's certificates come out as a PDF."""

import importlib

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from commendation import demo as commendation_demo
from commendation.models import Decision
from emulation import demo as emulation_demo
from organizations import demo


@pytest.fixture
def demo_world(transactional_db):
    # Rule sets and the forms catalogue come from data migrations, and an earlier browser
    # test's flush deletes them: load them again the way the migrations do.
    from commendation.models import RuleSet

    if not RuleSet.objects.exists():
        for name in ("0002_rule_sets", "0004_rule_set_before_132", "0006_form_catalogue"):
            importlib.import_module(f"commendation.migrations.{name}").load(django_apps, None)
    demo.load_all()
    emulation_demo.load_year_2021()
    commendation_demo.load_all()


def test_central_staff_see_the_quota_breach_and_print_the_decisions_certificates(
    page, live_server, demo_world, artifacts
):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("trunguong")
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    page.get_by_role("link", name="Xếp loại", exact=True).click()
    expect(page.get_by_text("366-QĐ/TW").first).to_be_visible()

    commune = commendation_demo.OVER_QUOTA_COMMUNE
    from organizations.models import UnitVersion

    unit = UnitVersion.objects.filter(short_name__contains=commune).first().unit
    page.goto(f"{live_server.url}/xep-loai/don-vi/{unit.pk}/2025/")
    over = page.locator(".quota-over").first
    expect(over).to_contain_text("phải chuyển")
    expect(over.locator(".quota-message")).to_contain_text("20%")
    page.screenshot(path=str(artifacts / "quota.png"), full_page=True)

    decision = Decision.objects.get()
    page.goto(f"{live_server.url}/khen-thuong/quyet-dinh/{decision.pk}/")
    expect(page.get_by_text(decision.reference).first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="In tất cả bằng (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

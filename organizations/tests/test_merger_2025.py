"""The real reference data: 63 provincial boards until 30/06/2025, 34 from 01/07/2025.

Facts come from organizations/data (Nghị quyết 60-NQ/TW, Nghị quyết 202/2025/QH15), loaded
through the registry services by ``organizations.demo.load_registry``.
"""

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from core import text
from core.models import AuditEntry
from organizations import demo
from organizations.models import LineageEvent, LineageLink, Unit, UnitKind, UnitVersion
from organizations.services import registry

EVE = datetime.date(2025, 6, 30)
MERGER = datetime.date(2025, 7, 1)
HUE_DAY = datetime.date(2025, 1, 1)
BOARDS = "provincial_board"


def provinces_34() -> list[dict[str, str]]:
    path = Path(settings.THIDUA_DATA_DIR) / "provinces_34.csv"
    with path.open(encoding="utf-8") as handle:
        return [{k: text.normalize(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def board(short_name: str, day: datetime.date) -> Unit:
    """The provincial board called ``short_name`` on ``day``."""
    return registry.versions_on(day).get(unit__kind__code=BOARDS, short_name=short_name).unit


def names(units, day: datetime.date) -> set[str]:
    return {u.version_on(day).short_name for u in units}


class Merger2025Tests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.loaded = demo.load_registry()
        cls.hai_duong = board("Hải Dương", EVE)
        cls.hai_phong = board("Hải Phòng", MERGER)

    def test_the_first_load_reports_that_it_created_the_registry(self):
        self.assertIs(self.loaded, True)

    def test_there_are_63_provincial_boards_on_the_eve_and_34_from_the_merger_day(self):
        self.assertEqual(Unit.objects.as_of(EVE).filter(kind__code=BOARDS).count(), 63)
        self.assertEqual(Unit.objects.as_of(MERGER).filter(kind__code=BOARDS).count(), 34)

    def test_the_34_boards_carry_the_names_of_the_34_new_provinces(self):
        expected = {row["new_province"] for row in provinces_34()}
        self.assertEqual(len(expected), 34)
        self.assertEqual(
            names(Unit.objects.as_of(MERGER).filter(kind__code=BOARDS), MERGER), expected
        )

    def test_hai_duong_resolves_to_hai_phong_from_the_merger_day(self):
        self.assertEqual(self.hai_duong.last_day, EVE)
        self.assertEqual(registry.resolve(self.hai_duong, MERGER), [self.hai_phong])
        self.assertEqual(registry.resolve(self.hai_duong, EVE), [self.hai_duong])

    def test_hai_phong_descends_from_hai_duong(self):
        self.assertIn(self.hai_duong, [u for u, _ in registry.predecessors(self.hai_phong)])
        self.assertEqual([u for u, _ in registry.successors(self.hai_duong)], [self.hai_phong])

    def test_ninh_binh_descends_from_exactly_ha_nam_and_nam_dinh(self):
        ninh_binh = board("Ninh Bình", MERGER)
        found = registry.predecessors(ninh_binh)
        self.assertEqual(len(found), 2)
        self.assertEqual(names([u for u, _ in found], EVE), {"Hà Nam", "Nam Định"})
        self.assertEqual({link.event.effective_date for _, link in found}, {MERGER})

    def test_thua_thien_hue_is_called_hue_from_2025_and_keeps_its_old_name_before(self):
        unit = Unit.objects.get(code="BTC-46")
        old, new = unit.version_on(datetime.date(2024, 12, 31)), unit.version_on(HUE_DAY)
        self.assertEqual(old.short_name, "Thừa Thiên Huế")
        self.assertEqual(old.name, "Ban Tổ chức Tỉnh ủy Thừa Thiên Huế")
        self.assertEqual(old.valid_to, datetime.date(2024, 12, 31))
        self.assertEqual(new.short_name, "Huế")
        self.assertEqual(new.name, "Ban Tổ chức Thành ủy Huế")
        self.assertEqual(new.event.kind, LineageEvent.Kind.RENAME)
        self.assertEqual(unit.version_on(MERGER).short_name, "Huế")
        self.assertEqual(registry.predecessors(unit), [])

    def test_lao_cai_changes_its_statistical_code_from_10_to_15(self):
        lao_cai = board("Lào Cai", MERGER)
        self.assertEqual(lao_cai.version_on(EVE).admin_code, "10")
        self.assertEqual(lao_cai.version_on(MERGER).admin_code, "15")
        self.assertEqual(names([u for u, _ in registry.predecessors(lao_cai)], EVE), {"Yên Bái"})

    def test_every_new_province_descends_from_the_provinces_listed_in_the_csv(self):
        """merged_from lists every old province, the survivor (which keeps its name) included;
        provinces kept as they were (empty merged_from) have no predecessors."""
        for row in provinces_34():
            with self.subTest(province=row["new_province"]):
                survivor = board(row["new_province"], MERGER)
                merged_from = {n for n in row["merged_from"].split(";") if n}
                found = {u for u, _ in registry.predecessors(survivor)}
                if merged_from:
                    self.assertIn(row["new_province"], merged_from)
                    self.assertEqual(survivor.version_on(EVE).short_name, row["new_province"])
                self.assertEqual(names(found, EVE), merged_from - {row["new_province"]})
                self.assertEqual(survivor.version_on(MERGER).admin_code, row["new_code"])
                for unit in found:
                    self.assertEqual(unit.last_day, EVE)
                    self.assertEqual(registry.resolve(unit, MERGER), [survivor])

    def test_loading_again_returns_false_and_creates_nothing(self):
        models = (UnitKind, Unit, UnitVersion, LineageEvent, LineageLink, AuditEntry)
        counts = [m.objects.count() for m in models]
        self.assertIs(demo.load_registry(), False)
        self.assertEqual([m.objects.count() for m in models], counts)

    def test_thai_binh_district_boards_end_with_the_district_level(self):
        """The demo's district boards under Thái Bình are dissolved on 01/07/2025, before
        Thái Bình itself merges into Hưng Yên (a unit may not end while it has subordinates)."""
        thai_binh = demo.province_unit("Thái Bình")
        on_eve = registry.versions_on(EVE).filter(parent=thai_binh)
        self.assertEqual(on_eve.count(), 8)
        self.assertIn("Vũ Thư", {v.short_name for v in on_eve})
        self.assertFalse(registry.versions_on(MERGER).filter(parent=thai_binh).exists())
        self.assertEqual(registry.resolve(thai_binh, MERGER), [demo.province_unit("Hưng Yên")])

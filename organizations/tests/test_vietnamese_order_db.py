"""Vietnamese order and search in the database, the same on SQLite and PostgreSQL.

``core.db.vi_order`` collates with "vi-x-icu": PostgreSQL's ICU collation, or on SQLite a
collation of the same name registered from ``core.text.compare``.
"""

import datetime
import unicodedata

from django.test import TestCase

from core import text
from core.db import vi_order
from organizations.models import UnitVersion
from organizations.services import registry
from organizations.testing import make_unit

NAMES = [
    "Thanh Hóa",
    "Đắk Lắk",
    "Bình Định",
    "Hải Dương",
    "Bến Tre",
    "Điện Biên",
    "Bạc Liêu",
    "Thái Bình",
    "Đà Nẵng",
    "Bà Rịa - Vũng Tàu",
    "Hà Nam",
    "Bình Dương",
    "Bắc Ninh",
    "Hậu Giang",
    "Hà Nội",
    "Hồ Chí Minh",
    "Hòa Bình",
    "Đồng Tháp",
    "Cần Thơ",
    "Cà Mau",
    "Cao Bằng",
    "Quảng Ninh",
    "Quảng Nam",
    "Tây Ninh",
    "Thừa Thiên Huế",
    "Tuyên Quang",
    "Trà Vinh",
    "Ninh Bình",
    "Ninh Thuận",
    "Yên Bái",
    "Vĩnh Phúc",
    "Vĩnh Long",
]

# Worked out by hand: letters first (a < ă < â, d < đ, o < ô < ơ), tones only break ties.
EXPECTED = [
    "Bà Rịa - Vũng Tàu",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Dương",
    "Bình Định",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Điện Biên",
    "Đồng Tháp",
    "Hà Nam",
    "Hà Nội",
    "Hải Dương",
    "Hậu Giang",
    "Hòa Bình",
    "Hồ Chí Minh",
    "Ninh Bình",
    "Ninh Thuận",
    "Quảng Nam",
    "Quảng Ninh",
    "Tây Ninh",
    "Thái Bình",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]


class VietnameseOrderInTheDatabaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = {name: make_unit(name) for name in NAMES}

    def ordered(self, *, descending: bool = False) -> list[str]:
        versions = UnitVersion.objects.order_by(vi_order("short_name", descending=descending))
        return list(versions.values_list("short_name", flat=True))

    def test_the_database_sorts_exactly_like_sorted_vi(self):
        self.assertEqual(self.ordered(), text.sorted_vi(NAMES))

    def test_the_order_is_the_vietnamese_alphabet(self):
        self.assertEqual(self.ordered(), EXPECTED)

    def test_the_collation_is_really_applied(self):
        """Plain code-point order differs (Đ after every Latin letter, "Thanh" before "Thái")."""
        self.assertNotEqual(sorted(NAMES), EXPECTED)
        plain = list(
            UnitVersion.objects.order_by("short_name").values_list("short_name", flat=True)
        )
        self.assertNotEqual(plain, self.ordered())

    def test_descending_order_is_the_exact_reverse(self):
        self.assertEqual(self.ordered(descending=True), list(reversed(EXPECTED)))


class SearchUnitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = {name: make_unit(name) for name in NAMES}
        cls.hue = cls.units["Thừa Thiên Huế"]
        registry.rename_unit(
            cls.hue,
            actor=None,
            effective_date=datetime.date(2025, 1, 1),
            name="Ban Tổ chức Thành ủy Huế",
            short_name="Huế",
        )

    def found(self, query: str, **kwargs) -> set[str]:
        return {v.unit.code for v in registry.search_units(query, **kwargs)}

    def codes(self, *names: str) -> set[str]:
        return {self.units[n].code for n in names}

    def test_it_finds_bac_ninh_however_it_is_typed(self):
        for typed in [
            "bac ninh",
            "BẮC NINH",
            unicodedata.normalize("NFD", "Bắc Ninh"),
            "  Bắc   Ninh ",
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(self.found(typed), self.codes("Bắc Ninh"))

    def test_d_matches_đ(self):
        self.assertEqual(self.found("dak lak"), self.codes("Đắk Lắk"))
        self.assertEqual(self.found("ĐẮK LẮK"), self.codes("Đắk Lắk"))

    def test_a_query_without_diacritics_finds_every_diacritic_variant(self):
        self.assertEqual(self.found("bac"), self.codes("Bạc Liêu", "Bắc Ninh"))
        self.assertEqual(
            self.found("ninh"),
            self.codes("Bắc Ninh", "Quảng Ninh", "Tây Ninh", "Ninh Bình", "Ninh Thuận"),
        )

    def test_a_day_limits_the_search_to_the_names_in_force(self):
        self.assertEqual(self.found("thua thien hue"), {self.hue.code})
        self.assertEqual(
            self.found("thua thien hue", day=datetime.date(2024, 12, 31)), {self.hue.code}
        )
        self.assertEqual(self.found("thua thien hue", day=datetime.date(2025, 1, 1)), set())
        self.assertEqual(self.found("thanh uy hue", day=datetime.date(2025, 1, 1)), {self.hue.code})
        self.assertEqual(self.found("thanh uy hue", day=datetime.date(2024, 12, 31)), set())

    def test_it_finds_nothing_for_an_unknown_name(self):
        self.assertEqual(self.found("Hà Tây"), set())

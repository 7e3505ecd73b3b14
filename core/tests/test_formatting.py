"""Numbers, percentages and dates the Vietnamese way: 1.234.567 · 101,25% · 10/12/2021."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.test import SimpleTestCase

from core.templatetags.vn import format_number, vn_date, vn_number, vn_percent


class NumberTests(SimpleTestCase):
    def test_thousands_are_grouped_with_dots(self):
        self.assertEqual(vn_number(1234567), "1.234.567")
        self.assertEqual(vn_number(1000), "1.000")
        self.assertEqual(vn_number(999), "999")
        self.assertEqual(vn_number(0), "0")
        self.assertEqual(vn_number(5_600_000_000), "5.600.000.000")

    def test_decimals_use_a_comma_and_round_half_up(self):
        self.assertEqual(vn_number(1234567.5, 1), "1.234.567,5")
        self.assertEqual(vn_number(Decimal("1234567.891"), 2), "1.234.567,89")
        self.assertEqual(vn_number(Decimal("2.5")), "3")
        self.assertEqual(vn_number(Decimal("0.125"), 2), "0,13")
        self.assertEqual(vn_number(7, 2), "7,00")

    def test_negative_numbers_keep_their_sign_in_front_of_the_groups(self):
        self.assertEqual(vn_number(-1234567), "-1.234.567")
        self.assertEqual(vn_number(Decimal("-2.5")), "-3")
        self.assertEqual(vn_number(-1234.5, 1), "-1.234,5")

    def test_a_value_that_rounds_to_zero_shows_no_minus_sign(self):
        self.assertEqual(vn_number(-0.4), "0")
        self.assertEqual(vn_number(Decimal("-0.001"), 2), "0,00")

    def test_missing_values_show_nothing(self):
        self.assertEqual(vn_number(None), "")
        self.assertEqual(vn_number(""), "")
        self.assertEqual(format_number(None, 2), "")

    def test_numbers_given_as_text_are_formatted_too(self):
        self.assertEqual(vn_number("1234567"), "1.234.567")


class PercentTests(SimpleTestCase):
    def test_two_decimals_with_a_comma(self):
        self.assertEqual(vn_percent(Decimal("101.25")), "101,25%")
        self.assertEqual(vn_percent(100), "100,00%")
        self.assertEqual(vn_percent(Decimal("96.5"), 1), "96,5%")

    def test_a_computed_share_rounded_to_two_places(self):
        self.assertEqual(vn_percent(round(243 / 240 * 100, 2)), "101,25%")
        self.assertEqual(vn_percent(243 / 240 * 100), "101,25%")
        self.assertEqual(vn_percent(Decimal(2) / Decimal(3) * 100), "66,67%")

    def test_negative_and_missing_percentages(self):
        self.assertEqual(vn_percent(Decimal("-5.5")), "-5,50%")
        self.assertEqual(vn_percent(-1234.567), "-1.234,57%")
        self.assertEqual(vn_percent(None), "")
        self.assertEqual(vn_percent(""), "")


class DateTests(SimpleTestCase):
    def test_day_month_year_with_slashes(self):
        self.assertEqual(vn_date(datetime.date(2021, 12, 10)), "10/12/2021")
        self.assertEqual(vn_date(datetime.date(2025, 7, 1)), "01/07/2025")
        self.assertEqual(vn_date(datetime.datetime(2018, 1, 5, 14, 30)), "05/01/2018")

    def test_missing_dates_show_nothing_and_text_passes_through(self):
        self.assertEqual(vn_date(None), "")
        self.assertEqual(vn_date(""), "")
        self.assertEqual(vn_date("chưa rõ"), "chưa rõ")


class TemplateFilterTests(SimpleTestCase):
    def render(self, source: str, **context) -> str:
        return Template("{% load vn %}" + source).render(Context(context))

    def test_the_filters_work_in_templates_with_places_as_an_argument(self):
        self.assertEqual(self.render("{{ n|vn_number }}", n=1234567), "1.234.567")
        self.assertEqual(self.render('{{ n|vn_number:"1" }}', n=1234567.5), "1.234.567,5")
        self.assertEqual(self.render("{{ p|vn_percent }}", p=Decimal("101.25")), "101,25%")
        self.assertEqual(self.render("{{ p|vn_percent:0 }}", p=Decimal("99.5")), "100%")
        self.assertEqual(
            self.render("{{ d|vn_date }}", d=datetime.date(2021, 12, 10)), "10/12/2021"
        )
        self.assertEqual(self.render("{{ n|vn_number }}|{{ d|vn_date }}", n=None, d=None), "|")

from django.test import TestCase

from commendation.services.rules import rule_set_for
from core.exceptions import RuleViolation


class RuleSetForTests(TestCase):
    def test_a_year_is_judged_by_the_rule_set_in_force_on_31_december(self):
        for year, code in [
            (2018, "132-QĐ/TW"),
            (2022, "132-QĐ/TW"),
            (2023, "124-QĐ/TW"),
            (2024, "124-QĐ/TW"),
            (2025, "366-QĐ/TW"),
            (2026, "366-QĐ/TW"),
        ]:
            with self.subTest(year=year):
                self.assertEqual(rule_set_for(year).code, code)

    def test_a_year_before_any_rule_set_is_refused(self):
        with self.assertRaises(RuleViolation):
            rule_set_for(2007)

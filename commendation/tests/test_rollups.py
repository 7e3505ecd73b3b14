"""Roll-ups of classification up the hierarchy, compared with targets (issue 4 §1)."""

import datetime
from decimal import Decimal

from django.test import TestCase

from commendation.models import Level, PersonClassification, UnitClassification
from commendation.services.rollups import national_people_rollup, people_rollup, units_rollup
from commendation.services.rules import rule_set_for
from commendation.testing import classify, make_party
from organizations.services import registry
from organizations.testing import make_unit

EXC, GOOD, DONE, FAIL = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
YEAR = 2024


def by_name(rows):
    return {row.name: row for row in rows}


class PeopleRollupTests(TestCase):
    """Hưng Yên: 2 communes × 2 grassroots organizations × 5 members, rated in 2024:

    org 1.1: HTXSNV 2, HTTNV 3             → 5/5 good or better = 100,00%
    org 1.2: HTXSNV 1, HTTNV 3, HTNV 1     → 4/5 = 80,00%
    commune 1: HTXSNV 3, HTTNV 6, HTNV 1   → 9/10 = 90,00% (exactly 90: not "trên 90%")
    org 2.1: HTTNV 5                       → 100,00%
    org 2.2: HTTNV 2, KHTNV 1 (2 unrated)  → 2/3 = 66,67%
    commune 2: HTTNV 7, KHTNV 1            → 7/8 = 87,50%
    province: 18 results: HTXSNV 3 (16,67%), HTTNV 13 (72,22%), HTNV 1 (5,56%), KHTNV 1
    (5,56%); good or better 16/18 = 88,89%.
    """

    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=2, orgs_per_commune=2, members_per_org=5)
        plan = [
            [EXC, EXC, GOOD, GOOD, GOOD],
            [EXC, GOOD, GOOD, GOOD, DONE],
            [GOOD] * 5,
            [GOOD, GOOD, FAIL],
        ]
        for org, levels in zip(cls.party.orgs, plan, strict=True):
            for person, level in zip(cls.party.members[org.pk], levels, strict=False):
                classify(person, YEAR, level)
                classify(person, YEAR - 1, FAIL)  # another year: not counted
        # another province's results are not counted either
        other = make_party("Thái Bình", communes=1, orgs_per_commune=1, members_per_org=3)
        for person in other.people:
            classify(person, YEAR, FAIL)

    def test_each_unit_counts_its_whole_subtree(self):
        rows = people_rollup(YEAR, self.party.province)
        self.assertEqual(
            [(row.name, row.depth, row.total) for row in rows],
            [
                ("Đảng bộ tỉnh Hưng Yên", 0, 18),
                ("Đảng bộ xã 1 (Hưng Yên)", 1, 10),
                ("Chi bộ thôn 1.1, xã 1 (Hưng Yên)", 2, 5),
                ("Chi bộ thôn 1.2, xã 1 (Hưng Yên)", 2, 5),
                ("Đảng bộ xã 2 (Hưng Yên)", 1, 8),
                ("Chi bộ thôn 2.1, xã 2 (Hưng Yên)", 2, 5),
                ("Chi bộ thôn 2.2, xã 2 (Hưng Yên)", 2, 3),
            ],
        )
        self.assertEqual(rows[0].unit, self.party.province)
        province = rows[0]
        self.assertEqual(province.counts, {EXC: 3, GOOD: 13, DONE: 1, FAIL: 1})
        self.assertEqual(
            province.percents,
            {
                EXC: Decimal("16.67"),
                GOOD: Decimal("72.22"),
                DONE: Decimal("5.56"),
                FAIL: Decimal("5.56"),
            },
        )
        self.assertEqual(province.good_or_better_percent, Decimal("88.89"))
        rows = by_name(rows)
        self.assertEqual(
            rows["Đảng bộ xã 1 (Hưng Yên)"].counts, {EXC: 3, GOOD: 6, DONE: 1, FAIL: 0}
        )
        self.assertEqual(rows["Đảng bộ xã 2 (Hưng Yên)"].good_or_better_percent, Decimal("87.50"))
        org22 = rows["Chi bộ thôn 2.2, xã 2 (Hưng Yên)"]
        self.assertEqual(org22.percents[FAIL], Decimal("33.33"))
        self.assertEqual(org22.good_or_better_percent, Decimal("66.67"))

    def test_trên_90_percent_is_strictly_above(self):
        rows = by_name(people_rollup(YEAR, self.party.province))
        met = {name: row.targets[0].met for name, row in rows.items()}
        self.assertEqual(
            met,
            {
                "Đảng bộ tỉnh Hưng Yên": False,  # 88,89%
                "Đảng bộ xã 1 (Hưng Yên)": False,  # exactly 90,00%
                "Chi bộ thôn 1.1, xã 1 (Hưng Yên)": True,  # 100%
                "Chi bộ thôn 1.2, xã 1 (Hưng Yên)": False,  # 80%
                "Đảng bộ xã 2 (Hưng Yên)": False,  # 87,5%
                "Chi bộ thôn 2.1, xã 2 (Hưng Yên)": True,
                "Chi bộ thôn 2.2, xã 2 (Hưng Yên)": False,
            },
        )
        check = rows["Đảng bộ xã 1 (Hưng Yên)"].targets[0]
        self.assertEqual(check.title, "trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên")
        self.assertEqual((check.threshold, check.actual), (Decimal(90), Decimal("90.00")))

    def test_a_unit_target_replaces_the_default(self):
        rows = by_name(
            people_rollup(
                YEAR, self.party.province, thresholds={"person_good_or_better": Decimal("85")}
            )
        )
        self.assertTrue(rows["Đảng bộ tỉnh Hưng Yên"].targets[0].met)  # 88,89 > 85
        self.assertTrue(rows["Đảng bộ xã 1 (Hưng Yên)"].targets[0].met)  # 90 > 85
        self.assertFalse(rows["Chi bộ thôn 1.2, xã 1 (Hưng Yên)"].targets[0].met)  # 80
        self.assertEqual(
            rows["Đảng bộ tỉnh Hưng Yên"].targets[0].title,
            "trên 85% đảng viên hoàn thành tốt nhiệm vụ trở lên",
        )
        with self.assertRaises(ValueError):
            people_rollup(YEAR, self.party.province, thresholds={"person_good": Decimal(90)})

    def test_a_commune_as_root_counts_only_its_subtree(self):
        rows = people_rollup(YEAR, self.party.communes[1])
        self.assertEqual([(row.depth, row.total) for row in rows], [(0, 8), (1, 5), (1, 3)])

    def test_a_year_without_results_says_data_is_missing(self):
        rows = people_rollup(2022, self.party.province)
        self.assertTrue(all(row.total == 0 for row in rows))
        check = rows[0].targets[0]
        self.assertFalse(check.met)
        self.assertIn("Thiếu dữ liệu", check.note)

    def test_the_tree_is_the_one_in_force_on_31_december(self):
        """Org 1.1 moves under commune 2 from 01/01/2025: 2024 still counts it in commune 1,
        2025 in commune 2."""
        org11 = self.party.orgs[0]
        registry.rename_unit(
            org11,
            actor=None,
            effective_date=datetime.date(2025, 1, 1),
            name="Chi bộ thôn 1.1 (chuyển về xã 2)",
            parent=self.party.communes[1],
        )
        for person in self.party.members[org11.pk]:
            classify(person, 2025, GOOD)
        self.assertEqual(
            by_name(people_rollup(YEAR, self.party.province))["Đảng bộ xã 1 (Hưng Yên)"].total, 10
        )
        rows_2025 = by_name(people_rollup(2025, self.party.province))
        self.assertEqual(rows_2025["Đảng bộ xã 1 (Hưng Yên)"].total, 0)
        self.assertEqual(rows_2025["Đảng bộ xã 2 (Hưng Yên)"].total, 5)
        self.assertEqual(rows_2025["Chi bộ thôn 1.1 (chuyển về xã 2)"].depth, 2)

    def test_it_takes_two_queries_whatever_the_number_of_people(self):
        # 1: the tree (recursive CTE) with names; 2: GROUP BY unit, level over the results
        with self.assertNumQueries(2):
            before = people_rollup(YEAR, self.party.province)
        rule_set = rule_set_for(YEAR)
        org = self.party.orgs[0]
        extra = make_party("Bắc Ninh", communes=1, orgs_per_commune=1, members_per_org=30).people
        PersonClassification.objects.bulk_create(
            PersonClassification(person=p, year=YEAR, unit=org, level=GOOD, rule_set=rule_set)
            for p in extra
        )
        with self.assertNumQueries(2):
            after = people_rollup(YEAR, self.party.province)
        self.assertEqual(after[0].total, before[0].total + 30)

    def test_the_national_rollup_names_each_province_as_it_was_named_that_year(self):
        """Names by the registry's rule (registry.names_on): a province renamed later keeps
        its name of the year; one dissolved during the year keeps its last name."""
        province = self.party.province
        registry.rename_unit(
            province,
            actor=None,
            effective_date=datetime.date(2025, 1, 1),
            name="Đảng bộ tỉnh Hưng Yên (mới)",
            short_name="Hưng Yên mới",
        )
        ha_tay = make_unit("Hà Tây", name="Đảng bộ tỉnh Hà Tây", kind_code="province_committee")
        unrated = self.party.members[self.party.orgs[3].pk][4]  # org 2.2: not rated in 2024
        classify(unrated, YEAR, GOOD, unit=ha_tay)  # rated in Hà Tây before it ended
        registry.dissolve_unit(ha_tay, actor=None, effective_date=datetime.date(2024, 10, 1))
        # 1: the parents on 31 December; 2: GROUP BY unit, level; 3: the provinces' names
        with self.assertNumQueries(3):
            rows = national_people_rollup(YEAR)
        self.assertEqual(
            [(row.name, row.total) for row in rows],
            [("Hà Tây", 1), ("Hưng Yên", 18), ("Thái Bình", 3), ("Toàn quốc", 22)],
        )
        classify(self.party.people[0], 2025, GOOD)
        self.assertEqual(national_people_rollup(2025)[0].name, "Hưng Yên mới")


class UnitsRollupTests(TestCase):
    """Thái Bình: 2 communes × 3 grassroots organizations rated in 2024:

    commune 1: HTXSNV, HTTNV, HTTNV              → 3/3 = 100,00%
    commune 2: HTTNV, KHTNV, (no result)         → 1/2 = 50,00%, 1 unrated
    province: 5 results: HTXSNV 1 (20%), HTTNV 3 (60%), KHTNV 1 (20%) → 80,00%, 1 unrated.
    Commune 1's own result (not a grassroots organization) is not counted.
    """

    @classmethod
    def setUpTestData(cls):
        cls.party = make_party("Thái Bình", communes=2, orgs_per_commune=3, members_per_org=0)
        rule_set = rule_set_for(YEAR)
        levels = [EXC, GOOD, GOOD, GOOD, FAIL]
        UnitClassification.objects.bulk_create(
            [
                UnitClassification(unit=org, year=YEAR, level=level, rule_set=rule_set)
                for org, level in zip(cls.party.orgs, levels, strict=False)
            ]
            + [
                UnitClassification(
                    unit=cls.party.communes[0], year=YEAR, level=FAIL, rule_set=rule_set
                ),
                UnitClassification(
                    unit=cls.party.orgs[5], year=YEAR - 1, level=FAIL, rule_set=rule_set
                ),
            ]
        )

    def test_grassroots_organizations_are_counted_at_every_level(self):
        rows = units_rollup(YEAR, self.party.province)
        self.assertEqual(
            [(row.depth, row.total, row.unclassified) for row in rows],
            [
                (0, 5, 1),
                (1, 3, 0),
                (2, 1, 0),
                (2, 1, 0),
                (2, 1, 0),
                (1, 2, 1),
                (2, 1, 0),
                (2, 1, 0),
                (2, 0, 1),
            ],
        )
        province, commune1 = rows[0], rows[1]
        self.assertEqual(province.counts, {EXC: 1, GOOD: 3, DONE: 0, FAIL: 1})
        self.assertEqual(
            province.percents,
            {
                EXC: Decimal("20.00"),
                GOOD: Decimal("60.00"),
                DONE: Decimal("0.00"),
                FAIL: Decimal("20.00"),
            },
        )
        self.assertEqual(province.good_or_better_percent, Decimal("80.00"))
        self.assertEqual(commune1.counts, {EXC: 1, GOOD: 2, DONE: 0, FAIL: 0})
        self.assertEqual(rows[5].good_or_better_percent, Decimal("50.00"))

    def test_the_target_is_trên_95_percent_of_grassroots_organizations(self):
        rows = units_rollup(YEAR, self.party.province)
        province, commune1, commune2 = rows[0], rows[1], rows[5]
        self.assertEqual(
            province.targets[0].title,
            "trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên",
        )
        self.assertEqual(
            [province.targets[0].met, commune1.targets[0].met, commune2.targets[0].met],
            [False, True, False],  # 80%, 100%, 50%
        )
        self.assertIn("1 tổ chức chưa có kết quả xếp loại", province.targets[0].note)
        unrated = rows[8]
        self.assertEqual((unrated.total, unrated.targets[0].met), (0, False))
        self.assertIn("Thiếu dữ liệu", unrated.targets[0].note)
        lowered = units_rollup(
            YEAR, self.party.province, thresholds={"unit_good_or_better": Decimal(75)}
        )
        self.assertTrue(lowered[0].targets[0].met)  # 80 > 75

    def test_it_takes_two_queries_whatever_the_number_of_units(self):
        # 1: the tree with names and kinds; 2: GROUP BY unit, level over grassroots results
        with self.assertNumQueries(2):
            units_rollup(YEAR, self.party.province)
        more = make_party("Nam Định", communes=1, orgs_per_commune=4, members_per_org=0)
        registry.rename_unit(
            more.communes[0],
            actor=None,
            effective_date=datetime.date(2020, 1, 1),
            name="Đảng bộ xã Nam Định (về Thái Bình)",
            parent=self.party.province,
        )
        rule_set = rule_set_for(YEAR)
        UnitClassification.objects.bulk_create(
            UnitClassification(unit=org, year=YEAR, level=GOOD, rule_set=rule_set)
            for org in more.orgs
        )
        with self.assertNumQueries(2):
            rows = units_rollup(YEAR, self.party.province)
        self.assertEqual(rows[0].total, 5 + 4)

"""Streaks ("n năm liền") for units and people, across unit lineage (issue 4 §2)."""

import datetime

from django.test import TestCase

from commendation.models import Level, PersonClassification, UnitClassification
from commendation.services.rules import rule_set_for
from commendation.services.streaks import (
    MergePolicy,
    people_streaks,
    person_streak,
    unit_streak,
)
from commendation.testing import classify, make_party
from organizations.models import Unit
from organizations.services import registry
from organizations.testing import make_unit

EXC, GOOD, DONE, FAIL = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
MERGER_DAY = datetime.date(2025, 7, 1)


def rate(unit, year, level, *, exemplary=False):
    return UnitClassification.objects.create(
        unit=unit, year=year, level=level, exemplary=exemplary, rule_set=rule_set_for(year)
    )


class UnitStreakTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=0)
        cls.cell = cls.party.orgs[0]

    def test_five_excellent_years_make_a_five_year_streak_with_its_explanation(self):
        rate(self.cell, 2016, GOOD)
        for year in range(2017, 2022):
            rate(self.cell, year, EXC)
        streak = unit_streak(self.cell, level=EXC, until_year=2021)
        self.assertEqual((streak.length, streak.first_year, streak.last_year), (5, 2017, 2021))
        self.assertEqual([y.year for y in streak.years], [2017, 2018, 2019, 2020, 2021])
        self.assertTrue(
            all(y.source == self.cell and y.note == "của chính đơn vị" for y in streak.years)
        )
        self.assertEqual(streak.policy, MergePolicy.ALL_PREDECESSORS)
        self.assertEqual(
            streak.explanation,
            "Hoàn thành xuất sắc nhiệm vụ 5 năm liền (2017–2021). "
            "Các năm 2017–2021: của chính đơn vị. "
            "Chuỗi dừng ở năm 2016: không đạt mức "
            "(Chi bộ thôn 1.1, xã 1 (Hưng Yên): HTTNV).",
        )

    def test_a_year_not_completed_breaks_the_streak(self):
        for year in range(2017, 2022):
            rate(self.cell, year, FAIL if year == 2019 else EXC)
        streak = unit_streak(self.cell, level=EXC, until_year=2021)
        # 2020 and 2021 after the KHTNV year
        self.assertEqual((streak.length, streak.first_year, streak.break_year), (2, 2020, 2019))
        self.assertFalse(streak.data_missing)
        self.assertIn("năm 2019: không đạt mức", streak.explanation)
        self.assertIn("KHTNV", streak.explanation)

    def test_a_missing_year_breaks_the_streak_and_says_data_is_missing(self):
        for year in (2017, 2018, 2020, 2021):
            rate(self.cell, year, EXC)
        streak = unit_streak(self.cell, level=EXC, until_year=2021)
        self.assertEqual((streak.length, streak.first_year, streak.break_year), (2, 2020, 2019))
        self.assertTrue(streak.data_missing)
        self.assertIn(
            "Chuỗi dừng ở năm 2019: thiếu dữ liệu — chưa có kết quả xếp loại", streak.explanation
        )

    def test_no_result_in_the_last_year_gives_no_streak_and_says_why(self):
        rate(self.cell, 2020, EXC)
        streak = unit_streak(self.cell, level=EXC, until_year=2021)
        self.assertEqual((streak.length, streak.first_year, streak.years), (0, None, []))
        self.assertTrue(streak.explanation.startswith("Không có chuỗi năm liền"))
        self.assertIn("Năm 2021: thiếu dữ liệu", streak.explanation)

    def test_a_good_or_better_streak_counts_excellent_and_good_years(self):
        levels = {2017: EXC, 2018: GOOD, 2019: EXC, 2020: GOOD, 2021: EXC}
        for year, level in levels.items():
            rate(self.cell, year, level)
        good = unit_streak(self.cell, level=GOOD, until_year=2021)
        self.assertEqual(good.length, 5)
        self.assertEqual([y.level for y in good.years], list(levels.values()))
        self.assertTrue(
            good.explanation.startswith("Hoàn thành tốt nhiệm vụ trở lên 5 năm liền (2017–2021).")
        )
        # at HTXSNV only 2021 counts: 2020 was HTTNV
        self.assertEqual(unit_streak(self.cell, level=EXC, until_year=2021).length, 1)

    def test_exemplary_only_counts_exemplary_years(self):
        for year in range(2017, 2022):
            rate(self.cell, year, EXC, exemplary=year >= 2018)
        exemplary = unit_streak(self.cell, level=EXC, until_year=2021, exemplary_only=True)
        self.assertEqual((exemplary.length, exemplary.first_year), (4, 2018))
        self.assertTrue(
            exemplary.explanation.startswith(
                "Hoàn thành xuất sắc nhiệm vụ tiêu biểu 4 năm liền (2018–2021)."
            )
        )
        self.assertIn("năm 2017: không đạt mức", exemplary.explanation)
        self.assertIn("nhưng không tiêu biểu", exemplary.explanation)
        self.assertEqual(unit_streak(self.cell, level=EXC, until_year=2021).length, 5)

    def test_a_unit_established_later_stops_at_its_first_year(self):
        young = make_unit(
            "Chi bộ mới",
            name="Chi bộ mới",
            parent=self.party.communes[0],
            kind_code="grassroots_org",
            valid_from=datetime.date(2020, 1, 1),
        )
        rate(young, 2020, EXC)
        rate(young, 2021, EXC)
        streak = unit_streak(young, level=EXC, until_year=2021)
        self.assertEqual(streak.length, 2)
        self.assertFalse(streak.data_missing)
        self.assertIn("Chi bộ mới chưa thành lập (thành lập ngày 01/01/2020)", streak.explanation)


class MergeStreakTests(TestCase):
    """Hải Dương and Hải Phòng merge into a new unit on 01/07/2025 (the merger of 2025)."""

    @classmethod
    def setUpTestData(cls):
        cls.hai_duong = make_unit(
            "Hải Dương", name="Đảng bộ tỉnh Hải Dương", kind_code="province_committee"
        )
        cls.hai_phong = make_unit(
            "Hải Phòng", name="Đảng bộ thành phố Hải Phòng", kind_code="province_committee"
        )
        registry.merge_units(
            [cls.hai_duong, cls.hai_phong],
            actor=None,
            effective_date=MERGER_DAY,
            new_unit=registry.NewUnit(
                code="HP-2025",
                name="Đảng bộ thành phố Hải Phòng (mới)",
                short_name="Hải Phòng (mới)",
                kind=cls.hai_phong.kind,
            ),
        )
        cls.merged = Unit.objects.get(code="HP-2025")
        # Hải Dương HTXSNV 2021–2024; Hải Phòng HTXSNV 2022–2024 but HTTNV in 2021;
        # the merged unit HTXSNV in 2025 (its first year, rated as itself).
        for year in range(2021, 2025):
            rate(cls.hai_duong, year, EXC)
            rate(cls.hai_phong, year, GOOD if year == 2021 else EXC)
        rate(cls.merged, 2025, EXC)

    def test_by_default_a_predecessor_year_counts_only_when_every_predecessor_had_it(self):
        streak = unit_streak(self.merged, level=EXC, until_year=2025)
        # 2025 its own; 2022–2024 both predecessors HTXSNV; 2021 Hải Phòng only HTTNV
        self.assertEqual((streak.length, streak.first_year, streak.break_year), (4, 2022, 2021))
        self.assertEqual(
            [y.note for y in streak.years],
            ["từ Đảng bộ tỉnh Hải Dương và Đảng bộ thành phố Hải Phòng trước hợp nhất"] * 3
            + ["của chính đơn vị"],
        )
        self.assertEqual(
            [{u.pk for u in y.sources} for y in streak.years],
            [{self.hai_duong.pk, self.hai_phong.pk}] * 3 + [{self.merged.pk}],
        )
        self.assertIn(
            "Các năm 2022–2024: từ Đảng bộ tỉnh Hải Dương và Đảng bộ thành phố Hải Phòng "
            "trước hợp nhất; năm 2025: của chính đơn vị.",
            streak.explanation,
        )
        self.assertIn(
            "Chuỗi dừng ở năm 2021: không đạt mức (Đảng bộ thành phố Hải Phòng: HTTNV",
            streak.explanation,
        )

    def test_own_only_ignores_the_predecessors(self):
        streak = unit_streak(self.merged, level=EXC, until_year=2025, policy=MergePolicy.OWN_ONLY)
        self.assertEqual((streak.length, streak.first_year, streak.break_year), (1, 2025, 2024))
        self.assertEqual(streak.policy, "own_only")
        self.assertIn("Hoàn thành xuất sắc nhiệm vụ năm 2025.", streak.explanation)
        self.assertIn(
            "năm 2024 là năm của Đảng bộ tỉnh Hải Dương và Đảng bộ thành phố Hải Phòng",
            streak.explanation,
        )
        self.assertIn("không được tính", streak.explanation)

    def test_any_predecessor_counts_a_year_one_predecessor_had(self):
        streak = unit_streak(
            self.merged, level=EXC, until_year=2025, policy=MergePolicy.ANY_PREDECESSOR
        )
        # 2021 counts through Hải Dương; 2020 nobody has a result
        self.assertEqual((streak.length, streak.first_year, streak.break_year), (5, 2021, 2020))
        self.assertEqual(streak.years[0].source, self.hai_duong)
        self.assertEqual(
            streak.explanation,
            "Hoàn thành xuất sắc nhiệm vụ 5 năm liền (2021–2025). "
            "Năm 2021: từ Đảng bộ tỉnh Hải Dương trước hợp nhất (một đơn vị tiền thân đạt là "
            "đủ; Đảng bộ thành phố Hải Phòng: HTTNV); "
            "các năm 2022–2024: từ Đảng bộ tỉnh Hải Dương và Đảng bộ thành phố Hải Phòng "
            "trước hợp nhất; năm 2025: của chính đơn vị. "
            "Chuỗi dừng ở năm 2020: thiếu dữ liệu — không đơn vị tiền thân nào đạt mức "
            "(chưa có kết quả xếp loại của Đảng bộ tỉnh Hải Dương; chưa có kết quả xếp loại "
            "của Đảng bộ thành phố Hải Phòng).",
        )
        self.assertTrue(streak.data_missing)

    def test_a_predecessor_missing_a_year_makes_the_year_missing_by_default(self):
        UnitClassification.objects.filter(unit=self.hai_duong, year=2023).delete()
        streak = unit_streak(self.merged, level=EXC, until_year=2025)
        # 2025 own, 2024 both; 2023 Hải Dương has no result
        self.assertEqual((streak.length, streak.break_year), (2, 2023))
        self.assertTrue(streak.data_missing)
        self.assertIn(
            "năm 2023: thiếu dữ liệu — chưa có kết quả xếp loại của Đảng bộ tỉnh Hải Dương",
            streak.explanation,
        )

    def test_a_year_two_merges_back_counts_when_every_unit_of_that_year_had_it(self):
        """A and B form C on 01/07/2020; C and D form E on 01/07/2025: E's 2019 is judged on
        A, B and D, the units that existed in 2019."""
        a, b, d = (
            make_unit(n, name=f"Đảng bộ {n}", kind_code="province_committee")
            for n in ("Tỉnh A", "Tỉnh B", "Tỉnh D")
        )
        kind = a.kind
        registry.merge_units(
            [a, b],
            actor=None,
            effective_date=datetime.date(2020, 7, 1),
            new_unit=registry.NewUnit(code="C", name="Đảng bộ Tỉnh C", kind=kind),
        )
        c = Unit.objects.get(code="C")
        registry.merge_units(
            [c, d],
            actor=None,
            effective_date=MERGER_DAY,
            new_unit=registry.NewUnit(code="E", name="Đảng bộ Tỉnh E", kind=kind),
        )
        e = Unit.objects.get(code="E")
        rate(a, 2019, EXC)
        rate(b, 2019, EXC)
        for year in range(2019, 2025):
            rate(d, year, EXC)
        for year in range(2020, 2025):
            rate(c, year, EXC)
        rate(e, 2025, EXC)
        streak = unit_streak(e, level=EXC, until_year=2025)
        # 2019 (A, B, D) + 2020–2024 (C, D) + 2025 (E); 2018 nobody has a result
        self.assertEqual((streak.length, streak.first_year), (7, 2019))
        print(
            streak.explanation,
            [(u.pk, str(u)) for u in streak.years[0].sources],
            a.pk,
            b.pk,
            c.pk,
            d.pk,
            e.pk,
        )
        self.assertEqual({u.pk for u in streak.years[0].sources}, {a.pk, b.pk, d.pk})
        self.assertEqual(
            streak.years[0].note,
            "từ Đảng bộ Tỉnh A, Đảng bộ Tỉnh B và Đảng bộ Tỉnh D trước hợp nhất",
        )
        self.assertEqual(streak.years[1].note, "từ Đảng bộ Tỉnh C và Đảng bộ Tỉnh D trước hợp nhất")
        # B below in 2019 breaks it there by default, not with any predecessor
        UnitClassification.objects.filter(unit=b, year=2019).update(level=GOOD)
        self.assertEqual(unit_streak(e, level=EXC, until_year=2025).length, 6)
        self.assertEqual(
            unit_streak(e, level=EXC, until_year=2025, policy=MergePolicy.ANY_PREDECESSOR).length,
            7,
        )

    def test_a_unit_that_absorbs_another_keeps_its_own_history(self):
        """Surviving successor: its own results decide; the absorbed unit's bad year neither
        breaks nor extends its streak."""
        thai_binh = make_unit(
            "Thái Bình", name="Đảng bộ tỉnh Thái Bình", kind_code="province_committee"
        )
        hung_yen = make_unit(
            "Hưng Yên", name="Đảng bộ tỉnh Hưng Yên", kind_code="province_committee"
        )
        registry.merge_units([thai_binh], actor=None, effective_date=MERGER_DAY, into=hung_yen)
        for year in range(2021, 2026):
            rate(hung_yen, year, EXC)
        for year in range(2018, 2025):
            rate(thai_binh, year, FAIL if year == 2023 else EXC)
        streak = unit_streak(hung_yen, level=EXC, until_year=2025)
        self.assertEqual((streak.length, streak.first_year), (5, 2021))
        self.assertEqual({y.note for y in streak.years}, {"của chính đơn vị"})
        self.assertTrue(streak.data_missing)  # 2020: Hưng Yên has no result of its own


class PersonStreakTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=2, members_per_org=1)
        cls.first, cls.second = cls.party.orgs
        cls.member = cls.party.members[cls.first.pk][0]

    def test_a_member_moving_between_party_cells_keeps_the_streak(self):
        for year in range(2017, 2022):
            classify(self.member, year, EXC, unit=self.first if year <= 2019 else self.second)
        streak = person_streak(self.member, level=EXC, until_year=2021)
        self.assertEqual((streak.length, streak.first_year, streak.last_year), (5, 2017, 2021))
        self.assertEqual({y.source for y in streak.years}, {self.member})
        self.assertEqual(streak.policy, "")
        self.assertIn(
            "Các năm 2017–2019: tại Chi bộ thôn 1.1, xã 1 (Hưng Yên); "
            "các năm 2020–2021: tại Chi bộ thôn 1.2, xã 1 (Hưng Yên).",
            streak.explanation,
        )
        self.assertIn("Chuỗi dừng ở năm 2016: thiếu dữ liệu", streak.explanation)

    def test_each_year_names_the_unit_as_it_was_that_year_in_two_queries(self):
        # the first chi bộ is renamed in 2018 and dissolved in mid-2019, after rating its year
        for year in range(2017, 2022):
            classify(self.member, year, EXC, unit=self.first if year <= 2019 else self.second)
        registry.rename_unit(
            self.first,
            actor=None,
            effective_date=datetime.date(2018, 3, 1),
            name="Chi bộ thôn Đông, xã 1 (Hưng Yên)",
        )
        registry.dissolve_unit(self.first, actor=None, effective_date=datetime.date(2019, 7, 1))
        # the results, then every year's unit name (registry.name_on) in one query
        with self.assertNumQueries(2):
            streak = person_streak(self.member, level=EXC, until_year=2021)
        self.assertEqual(
            [(y.year, y.note) for y in streak.years],
            [
                (2017, "tại Chi bộ thôn 1.1, xã 1 (Hưng Yên)"),
                (2018, "tại Chi bộ thôn Đông, xã 1 (Hưng Yên)"),
                (2019, "tại Chi bộ thôn Đông, xã 1 (Hưng Yên)"),  # its last name
                (2020, "tại Chi bộ thôn 1.2, xã 1 (Hưng Yên)"),
                (2021, "tại Chi bộ thôn 1.2, xã 1 (Hưng Yên)"),
            ],
        )
        self.assertEqual(streak.years[0].sources, [self.first])
        # no counted year, no name query
        with self.assertNumQueries(1):
            self.assertEqual(person_streak(self.member, level=EXC, until_year=2016).length, 0)

    def test_a_members_lower_year_or_missing_year_breaks_the_streak(self):
        for year in (2017, 2018, 2020, 2021):
            classify(self.member, year, EXC)
        missing = person_streak(self.member, level=EXC, until_year=2021)
        self.assertEqual(
            (missing.length, missing.break_year, missing.data_missing), (2, 2019, True)
        )
        classify(self.member, 2019, DONE)
        lower = person_streak(self.member, level=EXC, until_year=2021)
        self.assertEqual((lower.length, lower.break_year, lower.data_missing), (2, 2019, False))
        self.assertIn("không đạt mức (HTNV)", lower.explanation)
        # at HTNV or better the five years count
        self.assertEqual(person_streak(self.member, level=DONE, until_year=2021).length, 5)

    def test_exemplary_only_for_a_member(self):
        for year in range(2017, 2022):
            classify(self.member, year, EXC)
        PersonClassification.objects.filter(person=self.member, year__gte=2019).update(
            exemplary=True
        )
        streak = person_streak(self.member, level=EXC, until_year=2021, exemplary_only=True)
        self.assertEqual((streak.length, streak.first_year), (3, 2019))
        self.assertTrue(streak.explanation.startswith("Hoàn thành xuất sắc nhiệm vụ tiêu biểu 3"))


class PeopleStreaksTests(TestCase):
    """Everyone's streak in one window query (gaps and islands)."""

    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=2, orgs_per_commune=1, members_per_org=4)
        cls.org1, cls.org2 = cls.party.orgs  # org1 in commune 1, org2 in commune 2
        p = cls.party.members[cls.org1.pk] + cls.party.members[cls.org2.pk]
        cls.p = p
        rule_sets = {year: rule_set_for(year) for year in range(2016, 2022)}

        def row(person, year, level, unit=None):
            return PersonClassification(
                person=person,
                year=year,
                level=level,
                unit=unit or person.unit,
                rule_set=rule_sets[year],
            )

        rows = []
        span = range(2017, 2022)
        rows += [row(p[0], y, EXC) for y in span]  # 5
        rows += [row(p[1], y, EXC) for y in range(2016, 2022)]  # 6
        rows += [row(p[2], y, GOOD if y == 2019 else EXC) for y in span]  # 2 at HTXSNV, 5 at HTTNV
        rows += [row(p[3], y, EXC) for y in range(2017, 2021)]  # no 2021 result: none
        rows += [row(p[4], y, EXC) for y in span if y != 2019]  # 2019 missing: 2
        # p[5] moves from org2 (commune 2) to org1 (commune 1) in 2020: still 5
        rows += [row(p[5], y, EXC, cls.org2 if y < 2020 else cls.org1) for y in span]
        rows += [row(p[6], y, EXC) for y in span]  # 5, in commune 2
        rows += [row(p[7], y, FAIL if y == 2021 else EXC) for y in span]  # KHTNV in 2021: none
        PersonClassification.objects.bulk_create(rows)

    def ids(self, *indexes):
        return [self.p[i].pk for i in indexes]

    def test_it_returns_exactly_the_people_with_a_long_enough_streak(self):
        found = people_streaks(level=EXC, length=5, until_year=2021)
        self.assertEqual(
            found,
            sorted([(self.p[0].pk, 5), (self.p[1].pk, 6), (self.p[5].pk, 5), (self.p[6].pk, 5)]),
        )
        self.assertEqual(people_streaks(level=EXC, length=6, until_year=2021), [(self.p[1].pk, 6)])
        good = dict(people_streaks(level=GOOD, length=5, until_year=2021))
        self.assertEqual(sorted(good), sorted(self.ids(0, 1, 2, 5, 6)))

    def test_it_agrees_with_the_streak_of_each_person(self):
        expected = []
        for person in self.p:
            length = person_streak(person, level=EXC, until_year=2021).length
            if length >= 2:
                expected.append((person.pk, length))
        self.assertEqual(people_streaks(level=EXC, length=2, until_year=2021), sorted(expected))

    def test_within_keeps_the_people_rated_under_that_unit_in_the_last_year(self):
        commune1, commune2 = self.party.communes
        within1 = [
            pk for pk, _n in people_streaks(level=EXC, length=5, until_year=2021, within=commune1)
        ]
        self.assertEqual(within1, sorted(self.ids(0, 1, 5)))
        within2 = [
            pk for pk, _n in people_streaks(level=EXC, length=5, until_year=2021, within=commune2)
        ]
        self.assertEqual(within2, self.ids(6))
        everyone = people_streaks(level=EXC, length=5, until_year=2021, within=self.party.province)
        self.assertEqual(everyone, people_streaks(level=EXC, length=5, until_year=2021))

    def test_exemplary_only_in_the_set_query(self):
        PersonClassification.objects.filter(person__in=self.ids(0, 1), year__gte=2018).update(
            exemplary=True
        )
        found = people_streaks(level=EXC, length=4, until_year=2021, exemplary_only=True)
        self.assertEqual(found, [(self.p[0].pk, 4), (self.p[1].pk, 4)])

    def test_it_takes_one_query_whatever_the_number_of_people(self):
        # one query: the window over the results (and the recursive tree for ``within``)
        with self.assertNumQueries(1):
            small = people_streaks(level=EXC, length=5, until_year=2021)
        with self.assertNumQueries(1):
            people_streaks(level=EXC, length=5, until_year=2021, within=self.party.province)
        more = make_party("Thái Bình", communes=2, orgs_per_commune=2, members_per_org=10)
        rule_sets = {year: rule_set_for(year) for year in range(2017, 2022)}
        PersonClassification.objects.bulk_create(
            PersonClassification(
                person=person, year=year, level=EXC, unit=person.unit, rule_set=rule_sets[year]
            )
            for person in more.people
            for year in range(2017, 2022)
        )
        with self.assertNumQueries(1):
            large = people_streaks(level=EXC, length=5, until_year=2021)
        self.assertEqual(len(large), len(small) + 40)
        with self.assertNumQueries(1):
            within = people_streaks(level=EXC, length=5, until_year=2021, within=more.province)
        self.assertEqual(len(within), 40)

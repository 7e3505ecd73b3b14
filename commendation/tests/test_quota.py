"""The HTXSNV quota: at most 20 % (25 % where allowed) of the number rated HTTNV, within each
comparison group; how many must move; which candidates to keep, for a person to confirm."""

import datetime
from decimal import Decimal as D

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from commendation.models import Level, PersonClassification, QuotaAllowance, UnitClassification
from commendation.services.quota import check, check_people, check_units, limit_for, suggest
from commendation.services.rules import record_unit_classification, rule_set_for
from commendation.testing import classify, make_party
from core.exceptions import RuleViolation
from organizations.services import registry
from organizations.testing import UserFactory, make_unit

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


def rows(group, excellent=0, good=0, completed=0):
    return [(group, E)] * excellent + [(group, G)] * good + [(group, C)] * completed


class LimitForTests(TestCase):
    def test_within_the_quota_nothing_moves(self):
        # 20 % of 10 HTTNV = 2: 2 HTXSNV fit, and so does 1 (the limit stays 2).
        self.assertEqual(limit_for(2, 10, D(20)), (2, 0))
        self.assertEqual(limit_for(1, 10, D(20)), (2, 0))

    def test_one_over_the_quota_moves_one(self):
        # E=3, G=10: 20 % of 10 = 2 < 3. Move 1: 2 ≤ ⌊0,2 × 11⌋ = ⌊2,2⌋ = 2. Fits.
        self.assertEqual(limit_for(3, 10, D(20)), (2, 1))

    def test_each_move_raises_the_httnv_count(self):
        # E=5, G=10: move 2 → 3 against ⌊0,2 × 12⌋ = 2 (no); move 3 → 2 against
        # ⌊0,2 × 13⌋ = 2 (yes). Three must move, two keep HTXSNV.
        self.assertEqual(limit_for(5, 10, D(20)), (2, 3))

    def test_a_group_with_no_httnv_allows_no_htxsnv(self):
        # G=0: ⌊0,2 × 0⌋ = 0. E=1: move 1 → 0 ≤ ⌊0,2⌋ = 0. E=2: move 1 → 1 > ⌊0,2⌋ = 0;
        # move 2 → 0 ≤ ⌊0,4⌋ = 0.
        self.assertEqual(limit_for(0, 0, D(20)), (0, 0))
        self.assertEqual(limit_for(1, 0, D(20)), (0, 1))
        self.assertEqual(limit_for(2, 0, D(20)), (0, 2))

    def test_25_percent_for_an_outstanding_group(self):
        # E=3, G=12: 20 % → ⌊2,4⌋ = 2 < 3, move 1 (2 ≤ ⌊0,2 × 13⌋ = 2);
        #            25 % → ⌊3⌋ = 3, nothing moves.
        self.assertEqual(limit_for(3, 12, D(20)), (2, 1))
        self.assertEqual(limit_for(3, 12, D(25)), (3, 0))
        # E=4, G=10, 25 %: move 1 → 3 > ⌊0,25 × 11⌋ = ⌊2,75⌋ = 2; move 2 → 2 ≤ ⌊3⌋ = 3.
        self.assertEqual(limit_for(4, 10, D(25)), (2, 2))

    def test_a_fractional_percentage_is_exact(self):
        # 12,5 %: E=2, G=10 → ⌊1,25⌋ = 1 < 2; move 1 → 1 ≤ ⌊0,125 × 11⌋ = ⌊1,375⌋ = 1.
        self.assertEqual(limit_for(2, 10, D("12.5")), (1, 1))

    def test_the_formula_gives_the_smallest_number_of_moves(self):
        """Checked against the definition, by trying every m from 0 upwards; the limit is
        what is left after the moves, or ⌊percent × G⌋ when nothing moves."""
        wrong = []
        for percent in (D(0), D("12.5"), D(20), D(25), D(100)):
            for e in range(0, 25):
                for g in range(0, 25):
                    m = next(
                        m
                        for m in range(e + 1)
                        if D(e - m) <= (percent * (g + m) / 100).to_integral_value("ROUND_FLOOR")
                    )
                    capacity = int((percent * g / 100).to_integral_value("ROUND_FLOOR"))
                    expected = (e - m, m) if m else (capacity, 0)
                    if limit_for(e, g, percent) != expected:
                        wrong.append((percent, e, g, expected))
        self.assertEqual(wrong, [])

    def test_impossible_inputs_are_refused(self):
        for args in [(-1, 10, D(20)), (1, -1, D(20)), (1, 10, D(101)), (1, 10, D(-1))]:
            with self.subTest(args=args), self.assertRaises(ValueError):
                limit_for(*args)


class CheckTests(TestCase):
    def test_groups_are_counted_separately(self):
        """Together 3 HTXSNV against 20 HTTNV would fit (⌊4⌋ = 4); the group of party
        committee members alone has 3 against 10 (⌊2⌋ = 2): one must move."""
        result = check(2025, rows("Cấp ủy viên", 3, 10) + rows("Đảng viên", 0, 10, 4))
        by_group = {q.group: q for q in result}
        self.assertEqual((by_group["Cấp ủy viên"].excellent, by_group["Cấp ủy viên"].good), (3, 10))
        self.assertEqual((by_group["Cấp ủy viên"].limit, by_group["Cấp ủy viên"].excess), (2, 1))
        self.assertEqual((by_group["Đảng viên"].limit, by_group["Đảng viên"].excess), (2, 0))
        self.assertTrue(by_group["Đảng viên"].ok)

    def test_the_message_names_the_group_the_counts_the_limit_and_the_moves(self):
        [result] = check(2025, rows("Cấp ủy viên", 5, 10))
        self.assertEqual(result.percent, D(20))
        self.assertIn("Nhóm “Cấp ủy viên”: 5 HTXSNV, 10 HTTNV.", result.message)
        self.assertIn("Quy định 366-QĐ/TW", result.message)
        self.assertIn("không quá 20% số HTTNV", result.message)
        self.assertIn("Phải chuyển 3 trường hợp", result.message)
        self.assertIn("20% của 10 là 2; đang vượt 3", result.message)
        self.assertIn("còn 2 HTXSNV trên 13 HTTNV", result.message)
        self.assertNotIn("chưa được xác nhận", result.message)

    def test_rows_without_a_group_form_the_group_chung(self):
        [result] = check(2025, rows("", 1, 5) + rows("Chung", 1, 5))
        self.assertEqual((result.group, result.excellent, result.good), ("Chung", 2, 10))

    def test_a_group_with_no_httnv_allows_no_htxsnv(self):
        [result] = check(2025, rows("Lãnh đạo", 1, 0, 3))
        self.assertEqual((result.limit, result.excess), (0, 1))

    def test_the_percentage_of_124_is_flagged_as_an_unconfirmed_default(self):
        [result] = check(2024, rows("Chung", 3, 10))
        self.assertEqual(result.confidence, "unconfirmed")
        self.assertIn("Quy định 124-QĐ/TW", result.message)
        self.assertIn("giá trị mặc định chưa được xác nhận", result.message)

    def test_an_outstanding_group_gets_25_percent_under_366(self):
        data = rows("Đảng bộ xã A", 3, 12) + rows("Đảng bộ xã B", 3, 12)
        result = {q.group: q for q in check(2025, data, outstanding_groups=["Đảng bộ xã A"])}
        self.assertEqual(result["Đảng bộ xã A"].percent, D(25))
        self.assertTrue(result["Đảng bộ xã A"].outstanding)
        self.assertIn("nổi trội", result["Đảng bộ xã A"].message)
        self.assertIn("không quá 25% số HTTNV", result["Đảng bộ xã A"].message)
        self.assertEqual(result["Đảng bộ xã A"].excess, 0)  # ⌊0,25 × 12⌋ = 3
        self.assertEqual(result["Đảng bộ xã B"].excess, 1)  # ⌊0,2 × 12⌋ = 2

    def test_large_counts_are_written_the_vietnamese_way(self):
        # E=300, G=1000: 20 % → 200, 100 over. m ≥ (30000 − 20000) / 120 = 83,3 → 84:
        # 216 ≤ ⌊0,2 × 1084⌋ = ⌊216,8⌋ = 216 (with 83: 217 > ⌊216,6⌋ = 216).
        [result] = check(2025, rows("Chung", 300, 1000))
        self.assertIn("300 HTXSNV, 1.000 HTTNV", result.message)
        self.assertIn("20% của 1.000 là 200; đang vượt 100", result.message)
        self.assertIn("Phải chuyển 84 trường hợp", result.message)
        self.assertIn("còn 216 HTXSNV trên 1.084 HTTNV", result.message)

    def test_a_fractional_share_is_shown_with_its_rounding_down(self):
        # 25 % of 10 = 2,5 → at most 2; E=4: move 1 → 3 > ⌊2,75⌋; move 2 → 2 ≤ ⌊3⌋.
        [result] = check(2025, rows("Chung", 4, 10), outstanding_groups=["Chung"])
        self.assertIn("25% của 10 là 2,5, tức tối đa 2; đang vượt 2", result.message)
        self.assertIn("Phải chuyển 2 trường hợp", result.message)

    def test_an_outstanding_group_is_refused_where_the_rule_set_has_no_such_percentage(self):
        with self.assertRaises(RuleViolation) as caught:
            check(2024, rows("Chung", 3, 12), outstanding_groups=["Chung"])
        self.assertIn("124-QĐ/TW", caught.exception.message)

    def test_an_outstanding_group_with_no_results_is_still_listed(self):
        result = check(2025, rows("Chung", 1, 5), outstanding_groups=["Không có ai"])
        self.assertEqual(
            [(q.group, q.excellent, q.good) for q in result][-1], ("Không có ai", 0, 0)
        )


class CheckUnitsTests(TestCase):
    def setUp(self):
        actor = UserFactory(username="chuyenvien")
        self.units = [make_unit(f"Chi bộ {i}", kind_code="grassroots_org") for i in range(8)]
        # Group "Nông thôn": 2 HTXSNV, 5 HTTNV (⌊1⌋ = 1: one must move);
        # group "" (Chung): 1 HTXSNV.
        for unit, level, group in zip(
            self.units, [E, E, G, G, G, G, G, E], ["Nông thôn"] * 7 + [""], strict=True
        ):
            record_unit_classification(unit, 2024, level=level, group=group, actor=actor)

    def test_units_are_checked_per_group_in_one_grouped_query(self):
        # 3 queries for the rule set of the year (with its bands and disqualifiers), 1 GROUP BY.
        with self.assertNumQueries(4):
            result = {q.group: q for q in check_units(2024)}
        self.assertEqual((result["Nông thôn"].excellent, result["Nông thôn"].good), (2, 5))
        self.assertEqual(result["Nông thôn"].excess, 1)
        self.assertEqual((result["Chung"].excellent, result["Chung"].excess), (1, 1))

    def test_only_the_units_asked_for_are_counted(self):
        result = check_units(2024, [u.pk for u in self.units[:3]])
        self.assertEqual([(q.group, q.excellent, q.good) for q in result], [("Nông thôn", 2, 1)])
        self.assertEqual(UnitClassification.objects.count(), 8)


class CheckPeopleTests(TestCase):
    """A province of 2 communes × 2 grassroots organizations × 5 members (make_party).

    2025: commune 1 (org 1.1, 1.2): 3 HTXSNV, 5 HTTNV, 2 HTNV;
          commune 2 (org 2.1, 2.2): 1 HTXSNV, 5 HTTNV, 4 HTNV.
    """

    LEVELS = {
        0: [E, E, G, G, G],  # org 1.1
        1: [E, G, G, C, C],  # org 1.2
        2: [E, G, G, G, C],  # org 2.1
        3: [G, G, C, C, C],  # org 2.2
    }

    def setUp(self):
        self.party = make_party()
        for index, org in enumerate(self.party.orgs):
            for person, level in zip(self.party.members[org.pk], self.LEVELS[index], strict=True):
                classify(person, 2025, level)

    def test_the_province_is_counted_as_one_group(self):
        # E=4, G=10: ⌊2⌋ = 2 < 4; move 1 → 3 > ⌊2,2⌋; move 2 → 2 ≤ ⌊2,4⌋ = 2.
        [result] = check_people(2025, within=self.party.province)
        self.assertEqual(
            (result.excellent, result.good, result.limit, result.excess), (4, 10, 2, 2)
        )

    def test_within_a_commune_counts_only_its_organizations(self):
        commune_1, commune_2 = self.party.communes
        # Commune 1: E=3, G=5: ⌊1⌋ = 1; move 1 → 2 > ⌊1,2⌋; move 2 → 1 ≤ ⌊1,4⌋ = 1.
        [first] = check_people(2025, within=commune_1)
        self.assertEqual((first.excellent, first.good, first.limit, first.excess), (3, 5, 1, 2))
        # Commune 2: E=1, G=5: ⌊1⌋ = 1. Fits.
        [second] = check_people(2025, within=commune_2)
        self.assertEqual((second.excellent, second.good, second.excess), (1, 5, 0))

    def test_within_a_grassroots_organization_counts_its_members(self):
        [result] = check_people(2025, within=self.party.orgs[0])
        self.assertEqual((result.excellent, result.good), (2, 3))

    def test_people_of_another_province_are_left_out(self):
        other = make_party("Thái Bình", communes=1, orgs_per_commune=1, members_per_org=3)
        for person in other.people:
            classify(person, 2025, E)
        [result] = check_people(2025, within=self.party.province)
        self.assertEqual(result.excellent, 4)
        [everyone] = check_people(2025)
        self.assertEqual(everyone.excellent, 7)

    def test_groups_are_kept_apart(self):
        leaders = [p.pk for p in self.party.members[self.party.orgs[0].pk][:2]]
        PersonClassification.objects.filter(person_id__in=leaders).update(group="Bí thư")
        result = {q.group: q for q in check_people(2025, within=self.party.province)}
        # The two HTXSNV of org 1.1 are now "Bí thư": 2 against 0 HTTNV → both must move.
        self.assertEqual((result["Bí thư"].excellent, result["Bí thư"].excess), (2, 2))
        self.assertEqual((result["Chung"].excellent, result["Chung"].good), (2, 10))

    def test_the_parent_chain_of_31_december_decides_who_is_within(self):
        """Org 1.1 moves to commune 2 on 1/7/2026: its 2025 results stay in commune 1, its
        2026 results count in commune 2."""
        commune_1, commune_2 = self.party.communes
        org = self.party.orgs[0]
        registry.rename_unit(
            org,
            actor=None,
            effective_date=datetime.date(2026, 7, 1),
            name="Chi bộ thôn 1.1 (chuyển về xã 2)",
            parent=commune_2,
        )
        for person in self.party.members[org.pk]:
            classify(person, 2026, G)
        [in_2025] = check_people(2025, within=commune_1)
        self.assertEqual((in_2025.excellent, in_2025.good), (3, 5))  # orgs 1.1 and 1.2
        [in_2026] = check_people(2026, within=commune_2)
        self.assertEqual((in_2026.excellent, in_2026.good), (0, 5))
        self.assertEqual(check_people(2026, within=commune_1), [])  # no results there

    def test_the_query_count_does_not_grow_with_the_number_of_people(self):
        """Within a unit: 1 query for the allowances up its parent chain (a recursive CTE),
        1 GROUP BY whose unit filter is a recursive CTE, 3 for the rule set (with bands and
        disqualifiers): 5, for 20 people or for 80. The whole sector has no allowance to
        look up: 4."""
        commune = self.party.communes[0]
        with CaptureQueriesContext(connection) as small:
            check_people(2025, within=commune)
        bigger = make_party("Nam Định", communes=1, orgs_per_commune=2, members_per_org=30)
        for person in bigger.people:
            classify(person, 2025, G)
        with self.assertNumQueries(5):
            check_people(2025, within=bigger.province)
        with self.assertNumQueries(4):
            check_people(2025)
        self.assertEqual(len(small), 5)
        [grouped] = [
            q["sql"].upper()
            for q in small.captured_queries
            if "PERSONCLASSIFICATION" in q["sql"].upper()
        ]
        self.assertIn("WITH RECURSIVE", grouped)
        self.assertIn("GROUP BY", grouped)


class SuggestTests(TestCase):
    def test_the_best_scores_are_kept_and_the_rest_moved(self):
        # E=4, G=10: ⌊2⌋ = 2; move 1 → 3 > ⌊2,2⌋; move 2 → 2 ≤ ⌊2,4⌋: keep 2.
        candidates = [("c", D(91)), ("a", D(95)), ("d", D("90.5")), ("b", D(92))]
        with self.assertNumQueries(0):  # proposes, writes nothing
            result = suggest(candidates, good=10, percent=D(20), group="Cấp ủy viên")
        self.assertEqual((result.keep, result.move), (["a", "b"], ["c", "d"]))
        self.assertFalse(result.needs_decision)
        self.assertEqual(result.quota.excess, 2)
        self.assertIn("cần người có thẩm quyền xác nhận", result.message)

    def test_a_tie_at_the_boundary_is_kept_together_and_flagged(self):
        # Limit 2 as above, but the 2nd and 3rd both have 92: neither is cut arbitrarily.
        candidates = [("a", D(95)), ("b", D(92)), ("c", D(92)), ("d", D(90))]
        result = suggest(candidates, good=10, percent=D(20))
        self.assertEqual((result.keep, result.move), (["a", "b", "c"], ["d"]))
        self.assertEqual(result.tied, ["b", "c"])
        self.assertTrue(result.needs_decision)
        self.assertIn("2 trường hợp bằng nhau (92 điểm)", result.message)
        self.assertIn("vượt giới hạn 2", result.message)
        self.assertIn("phải quyết định", result.message)

    def test_a_candidate_without_a_score_ranks_last(self):
        # E=3, G=5: ⌊1⌋ = 1; move 1 → 2 > ⌊1,2⌋; move 2 → 1 ≤ ⌊1,4⌋: keep 1.
        result = suggest([("a", None), ("b", D(91)), ("c", D(93))], good=5, percent=D(20))
        self.assertEqual((result.keep, result.move), (["c"], ["b", "a"]))

    def test_within_the_quota_everyone_is_kept(self):
        result = suggest([("a", D(95)), ("b", D(91))], good=10, percent=D(20))
        self.assertEqual((result.keep, result.move), (["a", "b"], []))

    def test_with_no_httnv_everyone_moves(self):
        result = suggest([("a", D(95)), ("b", D(95))], good=0, percent=D(20))
        self.assertEqual((result.keep, result.move, result.tied), ([], ["a", "b"], []))

    def test_the_message_cites_the_rule_set_and_flags_an_unconfirmed_default(self):
        result = suggest(
            [("a", D(95)), ("b", D(91))], good=5, percent=D(20), rule_set=rule_set_for(2024)
        )
        self.assertIn("Quy định 124-QĐ/TW", result.message)
        self.assertIn("chưa được xác nhận", result.message)


class QuotaAllowanceTests(TestCase):
    """The 25 % as data (QuotaAllowance). A province of 2 communes, one grassroots
    organization each, 15 members each; 2025 (Quy định 366-QĐ/TW: 20 %, 25 % when allowed).

    Each organization: 3 HTXSNV, 12 HTTNV. At 20 %: ⌊2,4⌋ = 2 < 3, one must move
    (2 ≤ ⌊0,2 × 13⌋ = 2). At 25 %: ⌊3⌋ = 3, exactly at the limit: nothing moves.
    """

    def setUp(self):
        self.party = make_party(communes=2, orgs_per_commune=1, members_per_org=15)
        for org in self.party.orgs:
            for index, person in enumerate(self.party.members[org.pk]):
                classify(person, 2025, E if index < 3 else G)
        self.commune, self.other_commune = self.party.communes

    def allow(self, unit, *, year=2025, group=""):
        return QuotaAllowance.objects.create(
            year=year,
            unit=unit,
            group=group,
            granted_by="Ban Thường vụ Tỉnh ủy",
            document="Công văn số 12-CV/TU",
            granted_on=datetime.date(2025, 12, 5),
        )

    def test_without_an_allowance_the_group_is_held_to_20_percent(self):
        [result] = check_people(2025, within=self.commune)
        self.assertEqual((result.percent, result.limit, result.excess), (D(20), 2, 1))
        self.assertFalse(result.outstanding)
        self.assertIsNone(result.allowance)

    def test_an_allowance_gives_its_unit_25_percent_and_names_who_allowed_it(self):
        allowance = self.allow(self.commune)
        [result] = check_people(2025, within=self.commune)
        self.assertEqual((result.percent, result.limit, result.excess), (D(25), 3, 0))
        self.assertTrue(result.outstanding)
        self.assertEqual(result.allowance, allowance)
        self.assertIn("không quá 25% số HTTNV", result.message)
        self.assertIn(
            "được Ban Thường vụ Tỉnh ủy cho phép theo Công văn số 12-CV/TU ngày 05/12/2025, "
            "phạm vi Xã 1",
            result.message,
        )
        # the other commune has no allowance: still 20 %, one must move
        [other] = check_people(2025, within=self.other_commune)
        self.assertEqual((other.percent, other.excess), (D(20), 1))

    def test_one_more_htxsnv_than_25_percent_allows_must_move(self):
        """The boundary: 3 of 12 fits at 25 %; 4 HTXSNV against 11 HTTNV does not
        (⌊2,75⌋ = 2; moving 1 leaves 3 ≤ ⌊0,25 × 12⌋ = 3)."""
        self.allow(self.commune)
        fourth = self.party.members[self.party.orgs[0].pk][3]
        PersonClassification.objects.filter(person=fourth, year=2025).update(level=E)
        [result] = check_people(2025, within=self.commune)
        self.assertEqual((result.excellent, result.good), (4, 11))
        self.assertEqual((result.percent, result.limit, result.excess), (D(25), 3, 1))

    def test_the_allowance_of_a_scope_covers_the_units_under_it(self):
        self.allow(self.commune)
        [result] = check_people(2025, within=self.party.orgs[0])
        self.assertEqual((result.percent, result.excess), (D(25), 0))
        self.assertEqual(result.allowance.unit, self.commune)

    def test_it_does_not_reach_a_wider_scope(self):
        """The province (6 HTXSNV, 24 HTTNV) keeps 20 %: the permission was given for one
        commune, not for the other."""
        self.allow(self.commune)
        [result] = check_people(2025, within=self.party.province)
        self.assertEqual((result.excellent, result.good), (6, 24))
        self.assertEqual((result.percent, result.outstanding), (D(20), False))
        self.assertGreater(result.excess, 0)

    def test_the_nearest_allowance_is_the_one_shown(self):
        self.allow(self.party.province)
        nearest = self.allow(self.commune)
        [result] = check_people(2025, within=self.commune)
        self.assertEqual(result.allowance, nearest)
        [other] = check_people(2025, within=self.other_commune)  # the province's covers it
        self.assertEqual((other.percent, other.allowance.unit), (D(25), self.party.province))

    def test_an_allowance_is_for_its_group_and_its_year(self):
        self.allow(self.commune, group="Cấp ủy viên")
        self.allow(self.commune, year=2026)
        result = {q.group: q for q in check_people(2025, within=self.commune)}
        self.assertEqual(result["Chung"].percent, D(20))
        # the allowed group is listed even with no results there
        self.assertEqual(
            (result["Cấp ủy viên"].percent, result["Cấp ủy viên"].excellent), (D(25), 0)
        )

    def test_a_blank_group_and_chung_are_the_same_group(self):
        self.allow(self.commune, group="Chung")
        [result] = check_people(2025, within=self.commune)
        self.assertEqual((result.group, result.percent), ("Chung", D(25)))

    def test_an_allowance_under_a_rule_set_without_25_percent_is_refused(self):
        for person in self.party.people:
            classify(person, 2024, G)
        self.allow(self.commune, year=2024)
        with self.assertRaises(RuleViolation) as caught:
            check_people(2024, within=self.commune)
        self.assertIn("124-QĐ/TW", caught.exception.message)

    def test_the_explicit_outstanding_groups_still_work_beside_allowances(self):
        self.allow(self.commune)
        result = {
            q.group: q
            for q in check_people(2025, within=self.commune, outstanding_groups=["Bí thư"])
        }
        self.assertEqual((result["Chung"].percent, result["Bí thư"].percent), (D(25), D(25)))
        self.assertIsNone(result["Bí thư"].allowance)
        self.assertIn("được cấp có thẩm quyền cho phép", result["Bí thư"].message)

    def test_collectives_under_a_unit_use_its_allowance(self):
        """Five chi bộ under commune 1: 1 HTXSNV, 4 HTTNV. 20 %: ⌊0,8⌋ = 0, one must move;
        25 %: ⌊1⌋ = 1, nothing moves."""
        cells = [
            make_unit(f"Chi bộ {i}", parent=self.commune, kind_code="grassroots_org")
            for i in range(5)
        ]
        rule_set = rule_set_for(2025)
        for index, cell in enumerate(cells):
            UnitClassification.objects.create(
                unit=cell,
                year=2025,
                level=E if index == 0 else G,
                score=D(95) if index == 0 else D(80),
                rule_set=rule_set,
            )
        ids = [c.pk for c in cells]
        [before] = check_units(2025, ids, within=self.commune)
        self.assertEqual((before.percent, before.excess), (D(20), 1))
        self.allow(self.commune)
        [after] = check_units(2025, ids, within=self.commune)
        self.assertEqual((after.percent, after.excess), (D(25), 0))
        [no_scope] = check_units(2025, ids)  # without a scope no allowance applies
        self.assertEqual(no_scope.percent, D(20))

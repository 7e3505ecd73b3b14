"""The classification demo (commendation.demo): Hưng Yên's party tree with 2017–2025 results
across the rule changes, a quota violation caught and explained, and five-year streaks.

The tree: 4 communes × 6 organizations × 12 members = 288 people, each rated every year.
The showcased violation: in xã Phụng Công's 2025 every organization has 3 HTXSNV and 8
HTTNV, so the commune has 6 × 3 = 18 HTXSNV against 6 × 8 = 48 HTTNV; 20 % of 48 is 9,6,
at most 9; moving m cases gives 18 − m against 48 + m, the smallest m with
18 − m ≤ 0,2 × (48 + m) is ⌈(1800 − 960) / 120⌉ = 7.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from commendation import demo
from commendation.models import (
    Level,
    Person,
    PersonClassification,
    UnitClassification,
)
from commendation.services import quota, rules, streaks
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations import demo as organizations_demo
from organizations.models import Unit, UnitVersion

EXC = Level.EXCELLENT


def clean(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class ClassificationDemoTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        organizations_demo.load_registry()
        organizations_demo.load_users()
        cls.result = demo.load_all()
        cls.province = Unit.objects.get(code=demo.PROVINCE_CODE)
        cls.communes = {
            v.short_name: v.unit
            for v in UnitVersion.objects.filter(parent=cls.province, unit__code__contains="-X")
        }

    def org(self, commune: str, hamlet: str) -> Unit:
        return UnitVersion.objects.get(
            parent=self.communes[f"Xã {commune}"], name__startswith=f"Chi bộ {hamlet},"
        ).unit

    def test_loading_twice_changes_nothing(self):
        audit = AuditEntry.objects.count()
        again = demo.load_all()
        self.assertTrue(self.result["loaded"])
        self.assertFalse(again["loaded"])
        for key in ("units", "people", "person_results", "unit_results"):
            self.assertEqual(again[key], self.result[key], key)
        self.assertEqual(AuditEntry.objects.count(), audit)

    def test_the_tree_has_every_member_rated_every_year_under_the_rule_set_of_the_year(self):
        self.assertEqual(sorted(self.communes), sorted(f"Xã {c}" for c in demo.COMMUNES))
        self.assertEqual(self.result["units"], 4 + 4 * 6)
        self.assertEqual(self.result["people"], 288)
        self.assertEqual(self.result["person_results"], 288 * 9)
        codes = dict(
            PersonClassification.objects.filter(person__code__startswith="DV33-")
            .values_list("year", "rule_set__code")
            .distinct()
        )
        self.assertEqual(
            {y: codes[y] for y in (2018, 2022)}, {2018: "132-QĐ/TW", 2022: "132-QĐ/TW"}
        )
        self.assertEqual(
            {y: codes[y] for y in (2023, 2024)}, {2023: "124-QĐ/TW", 2024: "124-QĐ/TW"}
        )
        self.assertEqual(codes[2025], "366-QĐ/TW")

    def test_scores_exist_only_in_2025_and_each_lies_in_its_levels_band(self):
        rows = PersonClassification.objects.filter(person__code__startswith="DV33-")
        self.assertFalse(rows.exclude(year=2025).filter(score__isnull=False).exists())
        rule_set = rules.rule_set_for(2025)
        scored = list(rows.filter(year=2025, disqualifiers="").values_list("level", "score"))
        self.assertEqual(len(scored), 287)
        self.assertEqual([rules.band_for(rule_set, s) for _, s in scored], [lv for lv, _ in scored])

    def test_one_disciplined_member_is_khtnv_below_the_band_with_the_reason_recorded(self):
        row = PersonClassification.objects.get(
            person__code__startswith="DV33-", year=2025, disqualifiers__gt=""
        )
        rule_set = rules.rule_set_for(2025)
        self.assertEqual((row.level, row.disqualifiers), (Level.NOT_COMPLETED, "ky-luat"))
        self.assertEqual(rules.band_for(rule_set, row.score), Level.GOOD)
        self.assertEqual(
            rules.check_level(
                rule_set,
                level=row.level,
                score=row.score,
                disqualifiers=["ky-luat"],
                subject="person",
            ),
            [],
        )
        self.assertTrue(rules.check_level(rule_set, level=row.level, score=row.score))

    def test_the_disciplined_members_record_shows_the_reason_and_the_decision(self):
        row = PersonClassification.objects.get(
            person__code__startswith="DV33-", year=2025, disqualifiers__gt=""
        )
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        response = self.client.get(reverse("commendation:dossier", args=[row.person_id]))
        self.assertEqual(response.status_code, 200)
        text = clean(response.content.decode())
        # the reason, then the committee that decided and the date
        self.assertRegex(
            text,
            r"Điều kiện loại trừ: Bị kỷ luật từ khiển trách trở lên trong năm "
            r"Đảng bộ xã [^,]+, 20/01/2026",
        )

    def test_every_member_result_says_who_proposed_who_decided_and_when(self):
        rows = PersonClassification.objects.filter(person__code__startswith="DV33-")
        self.assertFalse(
            rows.filter(Q(proposed_by=None) | Q(decided_by=None) | Q(decided_on=None)).exists()
        )
        sample = rows.select_related("proposed_by", "decided_by").filter(year=2025).first()
        self.assertEqual(sample.proposed_by, sample.unit)
        self.assertEqual(sample.decided_on, datetime.date(2026, 1, 20))

    def test_the_showcased_commune_exceeds_the_quota_in_2025_and_the_rest_respect_it(self):
        over = []
        for year in range(2018, 2026):  # no rule set judges 2017: no quota to check
            for name, commune in self.communes.items():
                for group in quota.check_people(year, within=commune):
                    if not group.ok:
                        over.append((name, year, group.excellent, group.good, group.excess))
        self.assertEqual(over, [("Xã Phụng Công", 2025, 18, 48, 7)])

    def test_hungyen_sees_the_violation_explained_with_a_suggestion(self):
        commune = self.communes["Xã Phụng Công"]
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        response = self.client.get(reverse("commendation:unit", args=[commune.pk, 2025]))
        self.assertEqual(response.status_code, 200)
        text = clean(response.content.decode())
        self.assertIn("Nhóm “Chung”: 18 HTXSNV, 48 HTTNV.", text)
        self.assertIn("Phải chuyển 7 trường hợp từ HTXSNV xuống HTTNV", text)
        self.assertIn("gợi ý, cần người có thẩm quyền xác nhận", text)

    def test_central_staff_see_it_and_another_provinces_officer_does_not(self):
        commune = self.communes["Xã Phụng Công"]
        url = reverse("commendation:unit", args=[commune.pk, 2025])
        self.client.login(username="trunguong", password=organizations_demo.DEMO_PASSWORD)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.login(username="quangninh", password=organizations_demo.DEMO_PASSWORD)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_organization_is_exemplary_htxsnv_five_years_running_2017_2021(self):
        org = self.org(demo.STREAK_COMMUNE, demo.STREAK_ORG)
        streak = streaks.unit_streak(org, level=EXC, until_year=2021, exemplary_only=True)
        self.assertEqual(
            streak.title, "Hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền (2017–2021)"
        )
        # 2022 is HTTNV: the run is exactly those five years
        self.assertEqual(streaks.unit_streak(org, level=EXC, until_year=2022).length, 0)
        # the results of 2018–2021 were recorded through the service, with who decided
        recorded = UnitClassification.objects.filter(unit=org, year__in=range(2018, 2022))
        self.assertEqual(
            {r.decided_by for r in recorded}, {f"Ban Thường vụ Đảng ủy xã {demo.STREAK_COMMUNE}"}
        )
        self.assertEqual(
            AuditEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(UnitClassification),
                object_id__in=[str(r.pk) for r in recorded],
            ).count(),
            4,
        )

    def test_a_member_is_htxsnv_five_years_running_and_keeps_one_history_after_moving(self):
        found = dict(
            streaks.people_streaks(level=EXC, length=5, until_year=2021, within=self.province)
        )
        mover = Person.objects.get(
            pk__in=list(found), unit=self.org(demo.STREAK_COMMUNE, demo.MOVER_TO)
        )
        self.assertEqual(found[mover.pk], 5)
        streak = streaks.person_streak(mover, level=EXC, until_year=2021)
        self.assertEqual(streak.title, "Hoàn thành xuất sắc nhiệm vụ 5 năm liền (2017–2021)")
        places = dict(mover.classifications.values_list("year", "unit"))
        self.assertEqual(places[2022], self.org(demo.STREAK_COMMUNE, demo.MOVER_FROM).pk)
        self.assertEqual(places[2023], self.org(demo.STREAK_COMMUNE, demo.MOVER_TO).pk)
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        page = self.client.get(reverse("commendation:person", args=[mover.pk]) + "?nam=2021")
        self.assertIn("5 năm liền (2017–2021)", clean(page.content.decode()))

"""The demo year: Cụm 2's whole 2021 emulation cycle, loaded through the services.

The issue's "done when": a scale of at least 30 leaf criteria in 8 groups, self-scores and
reviews for all 14 members, targets including 243/240, and a ranking with a tie resolved by
a tie-break.
"""

import io
from decimal import Decimal as D

import docx
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import F

from core.models import AuditEntry
from core.test import ThiDuaTestCase
from emulation import demo as emulation_demo
from emulation.documents import pledge_docx
from emulation.models import (
    EmulationYear,
    Method,
    PeriodKind,
    Phase,
    Score,
    ScoreSheet,
    Section,
    SheetStatus,
    Stage,
    Target,
)
from emulation.services import ranking, scales, sheets, targets
from organizations import demo as organizations_demo
from organizations.models import ClusterLeadership, FactStatus, UnitVersion

# seeds/000: "Cụm thi đua số 2 ... gồm 14 ban tổ chức tỉnh ủy, thành ủy".
SEED_MEMBERS = {
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
}


def short_name(unit) -> str:
    return UnitVersion.objects.filter(unit=unit).order_by("valid_from").first().short_name


class DemoYearTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        organizations_demo.load_all()
        cls.result = emulation_demo.load_all()
        cls.year = EmulationYear.objects.get(cluster__number=2, year=2021)
        cls.period = cls.year.periods.get(kind=PeriodKind.YEAREND)
        cls.scale = scales.current_scale(cls.year)

    def unit(self, name: str):
        return (
            UnitVersion.objects.filter(unit__kind__code="provincial_board", short_name=name)
            .first()
            .unit
        )

    def test_the_fourteen_members_of_the_seed_take_part(self):
        names = {short_name(p.unit) for p in self.year.participants.select_related("unit")}
        self.assertEqual(names, SEED_MEMBERS)
        self.assertEqual(self.result["participants"], 14)

    def test_the_year_keeps_the_rules_the_cluster_chose_and_stays_open(self):
        self.assertEqual(self.year.review_mode, "leaders")
        self.assertEqual(self.year.aggregation, "mean")
        self.assertEqual(self.year.tie_breaks, ["fewer_deductions", "group:1", "more_at_maximum"])
        self.assertEqual((self.year.flag_count, self.year.merit_count), (1, 4))
        self.assertEqual(self.year.phase, Phase.YEAREND)
        midyear = self.year.periods.get(kind=PeriodKind.MIDYEAR)
        self.assertFalse(midyear.sheets.exists())
        self.assertTrue(self.period.is_published)

    def test_the_2021_leaders_are_recorded_with_how_sure_we_are(self):
        """No source names Cụm 2's 2021 leaders: the demo says so on each row."""
        leaders = ClusterLeadership.objects.filter(cluster=self.year.cluster, year=2021)
        self.assertEqual(leaders.count(), 3)
        self.assertEqual(leaders.filter(position="head").count(), 1)
        self.assertTrue(all(lead.status != FactStatus.CONFIRMED for lead in leaders))

    def test_the_scale_has_at_least_30_leaves_in_8_regular_groups_of_100_points(self):
        nodes = scales.criteria(self.scale)
        groups = [c for c in nodes if c.parent_id is None and c.section == Section.REGULAR]
        self.assertEqual(len(groups), 8)
        self.assertEqual(sum(g.max_points for g in groups), D(100))
        leaves = scales.leaves(self.scale, nodes)
        regular = [c for c in leaves if c.section == Section.REGULAR]
        self.assertGreaterEqual(len(regular), 30)
        self.assertEqual(scales.problems(self.scale), [])
        self.assertEqual((self.scale.total_max, self.scale.bonus_cap), (D(100), D(5)))
        methods = {c.method for c in leaves}
        self.assertLessEqual(
            {Method.YES_NO, Method.TARGET, Method.RELATIVE, Method.BONUS, Method.DEDUCTION},
            methods,
        )
        ket_nap = [c for c in leaves if c.method == Method.TARGET and c.target_code == "ket-nap"]
        self.assertEqual(len(ket_nap), 1)
        self.assertIsNotNone(ket_nap[0].floor_percent)
        self.assertTrue(any(c.title == "Báo cáo chậm so với quy định" for c in leaves))
        self.assertTrue(all(c.guidance and c.evidence_expected for c in leaves))

    def test_thai_binh_admitted_243_of_240_members(self):
        target = Target.objects.get(
            emulation_year=self.year, unit=self.unit("Thái Bình"), code="ket-nap"
        )
        self.assertEqual((target.planned, target.actual), (D(240), D(243)))
        self.assertEqual(targets.target_attainment(target), D("101.25"))

    def test_every_member_has_the_three_targets_and_some_did_not_found_an_organization(self):
        rows = Target.objects.filter(emulation_year=self.year)
        self.assertEqual(rows.count(), 14 * 3)
        self.assertEqual(
            set(rows.values_list("code", flat=True)),
            {"ket-nap", "dang-vien-httnv", "tcco-so-moi"},
        )
        self.assertTrue(all(t.actual is not None for t in rows))
        founded = rows.filter(code="tcco-so-moi")
        self.assertTrue(any(not targets.is_met(t.kind, t.planned, t.actual) for t in founded))
        self.assertTrue(all(t.planned == 90 for t in rows.filter(code="dang-vien-httnv")))

    def test_every_sheet_is_final_with_a_total(self):
        year_sheets = ScoreSheet.objects.filter(period=self.period)
        self.assertEqual(year_sheets.count(), 14)
        self.assertTrue(all(s.status == SheetStatus.FINAL for s in year_sheets))
        self.assertTrue(all(s.final_total is not None for s in year_sheets))
        self.assertEqual(self.result["final_sheets"], 14)

    def test_every_member_self_assessed_and_was_reviewed_by_the_leaders_but_never_by_itself(self):
        reviewers = {u.pk for u in sheets.reviewer_units(self.year)}
        self.assertEqual(len(reviewers), 3)
        for sheet in ScoreSheet.objects.filter(period=self.period):
            self.assertEqual(sheets.missing_self_scores(sheet), [], sheet)
            self.assertEqual(sheets.missing_reviews(sheet), [], sheet)
            given = set(
                sheet.scores.filter(stage=Stage.REVIEW).values_list("reviewer_id", flat=True)
            )
            self.assertEqual(given, reviewers - {sheet.unit_id}, sheet)
        self.assertFalse(
            Score.objects.filter(sheet__period=self.period, reviewer=F("sheet__unit")).exists()
        )

    def test_two_units_explained_a_disputed_criterion_and_got_a_second_review(self):
        explained = ScoreSheet.objects.filter(
            period=self.period, scores__stage=Stage.EXPLANATION
        ).distinct()
        self.assertEqual(explained.count(), 2)
        for sheet in explained:
            criterion_ids = sheets.explained_criteria(sheet)
            second = sheet.scores.filter(stage=Stage.SECOND_REVIEW)
            self.assertEqual(set(second.values_list("criterion_id", flat=True)), criterion_ids)
            self.assertEqual(sheets.missing_reviews(sheet, Stage.SECOND_REVIEW), [])
            final = sheet.scores.get(stage=Stage.FINAL, criterion_id__in=criterion_ids)
            self.assertEqual(
                final.points, sheets.line_of(sheet, final.criterion).second.points, sheet
            )

    def test_a_not_applicable_criterion_lowers_that_units_maximum(self):
        sheet = ScoreSheet.objects.get(period=self.period, unit=self.unit("Bắc Ninh"))
        dropped = sheet.scores.get(stage=Stage.FINAL, applicable=False).criterion
        self.assertEqual(sheet.final_max, D(100) - dropped.max_points)

    def test_the_ranking_separates_an_equal_percentage_by_a_tie_break(self):
        result = ranking.rank(self.period)
        self.assertEqual(len(result.rows), 14)
        labels = {ranking.tie_break_label(code) for code in self.year.tie_breaks}
        separated = [
            (above, below)
            for above, below in zip(result.rows, result.rows[1:], strict=False)
            if above.percent == below.percent and below.decided_by in labels
        ]
        self.assertTrue(separated)
        # The pair built on purpose: the same total, Bắc Giang with half a point of deduction.
        names = [row.name for row in result.rows]
        first = names.index("Hưng Yên")
        below = result.rows[first + 1]
        self.assertEqual(below.name, "Bắc Giang")
        self.assertEqual(below.percent, result.rows[first].percent)
        self.assertEqual(below.rank, result.rows[first].rank + 1)
        self.assertEqual(below.decided_by, ranking.tie_break_label("fewer_deductions"))

    def test_the_pledge_has_eight_task_groups_and_its_document_names_all_14_signatories(self):
        pledge = self.year.pledge
        self.assertTrue(pledge.is_signed)
        self.assertEqual(pledge.task_groups.count(), 8)
        self.assertEqual(pledge.signatories.count(), 14)
        document = docx.Document(io.BytesIO(pledge_docx(pledge)))
        body = "\n".join(p.text for p in document.paragraphs)
        for name in SEED_MEMBERS:
            self.assertIn(name, body)
        signatures = document.tables[1]
        cells = [c.text for row in signatures.rows for c in row.cells if c.text]
        self.assertEqual(len(cells), 14)

    def test_every_score_was_written_through_the_audited_services(self):
        score_type = ContentType.objects.get_for_model(Score)
        audited = set(
            AuditEntry.objects.filter(content_type=score_type).values_list("object_id", flat=True)
        )
        written = {
            str(pk)
            for pk in Score.objects.filter(sheet__period=self.period).values_list("pk", flat=True)
        }
        self.assertLessEqual(written, audited)

    def test_loading_again_changes_nothing(self):
        counts = [m.objects.count() for m in (AuditEntry, Score, Target, ClusterLeadership)]
        self.assertIs(emulation_demo.load_year_2021(), False)
        again = emulation_demo.load_all()
        self.assertIs(again["year_2021"], False)
        self.assertEqual(
            counts, [m.objects.count() for m in (AuditEntry, Score, Target, ClusterLeadership)]
        )

    def test_the_load_demo_command_reports_both_parts_and_can_run_again(self):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        text = out.getvalue()
        self.assertIn("Đơn vị: đã có sẵn; cụm thi đua: đã có sẵn;", text)
        self.assertIn("Thi đua Cụm 2 năm 2021: đã có sẵn; 14 đơn vị tham gia", text)
        self.assertIn("kết quả tổng kết đã công bố", text)
        self.assertIn("thidua2026", text)
        self.assertIn("thaibinh", text)

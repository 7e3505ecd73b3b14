"""The rules as editable data in the Django admin: every save and delete (inlines included)
writes the audit trail with the admin user, a rule set's edited percentage is what the quota
check uses next, unconfirmed defaults are labelled in the lists, and a form's conditions are
checked against what the eligibility check understands before they are saved."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from commendation.models import (
    Award,
    Council,
    CouncilSession,
    Disqualifier,
    Form,
    Initiative,
    Level,
    Person,
    QuotaAllowance,
    RuleSet,
    ScoreBand,
)
from commendation.services import quota
from commendation.services.eligibility import LAO_DONG_TIEN_TIEN
from commendation.services.form_conditions import validate_conditions
from commendation.testing import classify, make_party
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.testing import UserFactory, give_role


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the object's fields and every
    inline row, with the management forms."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms.extend(formset.initial_forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def entries(model) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(model)
    return list(AuditEntry.objects.filter(content_type=content_type).order_by("pk"))


class AdminTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
        cls.rule_set = RuleSet.objects.get(code="366-QĐ/TW")

    def setUp(self):
        self.client.force_login(self.admin)

    def change(self, obj, **changes):
        """Open ``obj``'s change page, change ``changes`` and save."""
        url = admin_url(type(obj), "change", obj.pk)
        data = form_data(self.client.get(url))
        data.update(changes)
        return self.client.post(url, data)


class RuleSetAdminTests(AdminTestCase):
    def test_editing_the_percentage_is_audited_and_the_quota_check_uses_it(self):
        """3 HTXSNV against 12 HTTNV: one must move at 20 % (⌊2,4⌋ = 2), none at 25 %."""
        party = make_party(communes=1, orgs_per_commune=1, members_per_org=15)
        for index, person in enumerate(party.people):
            classify(person, 2025, Level.EXCELLENT if index < 3 else Level.GOOD)
        [before] = quota.check_people(2025, within=party.province)
        self.assertEqual((before.percent, before.excess), (D(20), 1))

        response = self.change(self.rule_set, quota_percent="25")
        self.assertRedirects(response, admin_url(RuleSet, "changelist"))

        [entry] = entries(RuleSet)
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.UPDATE, self.admin))
        self.assertEqual(entry.object_id, str(self.rule_set.pk))
        self.assertEqual(D(entry.before["quota_percent"]), D(20))
        self.assertEqual(D(entry.after["quota_percent"]), D(25))
        self.assertEqual(entry.reason, "Sửa trong trang quản trị")
        self.assertEqual([name for name, _old, _new in entry.changed_fields()], ["quota_percent"])
        [after] = quota.check_people(2025, within=party.province)
        self.assertEqual((after.percent, after.excess), (D(25), 0))

    def test_a_save_that_changes_nothing_writes_no_entry(self):
        response = self.change(self.rule_set)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AuditEntry.objects.exists())

    def test_inline_bands_and_disqualifiers_are_audited_when_changed_or_added(self):
        bands = list(self.rule_set.bands.order_by("level"))
        disqualifiers = list(self.rule_set.disqualifiers.order_by("pk"))
        good = bands.index(next(b for b in bands if b.level == Level.GOOD))
        completed = bands.index(next(b for b in bands if b.level == Level.COMPLETED))
        url = admin_url(RuleSet, "change", self.rule_set.pk)
        data = form_data(self.client.get(url))
        # HTTNV from 72 instead of 70, and HTNV up to 72: the bands still meet
        data[f"bands-{good}-min_score"] = "72"
        data[f"bands-{completed}-below"] = "72"
        data["disqualifiers-0-title"] = "Nội dung đã sửa"
        total = len(disqualifiers)
        data["disqualifiers-TOTAL_FORMS"] = total + 1
        data.update(
            {
                f"disqualifiers-{total}-code": "thu-nghiem",
                f"disqualifiers-{total}-title": "Điều kiện thử nghiệm",
                f"disqualifiers-{total}-best_level": Level.COMPLETED,
                f"disqualifiers-{total}-applies_to": "person",
                f"disqualifiers-{total}-rule_set": self.rule_set.pk,
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        band_entries = {e.object_id: e for e in entries(ScoreBand)}
        entry = band_entries[str(bands[good].pk)]
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        self.assertEqual(
            (D(entry.before["min_score"]), D(entry.after["min_score"])), (D(70), D(72))
        )
        self.assertEqual(D(band_entries[str(bands[completed].pk)].after["below"]), D(72))
        actions = {e.action: e for e in entries(Disqualifier)}
        self.assertEqual(set(actions), {AuditEntry.Action.UPDATE, AuditEntry.Action.CREATE})
        self.assertEqual(actions[AuditEntry.Action.UPDATE].after["title"], "Nội dung đã sửa")
        self.assertEqual(actions[AuditEntry.Action.CREATE].after["code"], "thu-nghiem")
        self.assertTrue(all(e.actor == self.admin for e in AuditEntry.objects.all()))

    def test_bands_with_a_gap_an_overlapping_period_or_a_lower_higher_rate_are_refused(self):
        bands = list(self.rule_set.bands.order_by("level"))
        good = bands.index(next(b for b in bands if b.level == Level.GOOD))
        url = admin_url(RuleSet, "change", self.rule_set.pk)
        cases = {
            "gap": ({f"bands-{good}-min_score": "72"}, "phải nối liền nhau"),
            "period": ({"valid_from": "01/01/2024"}, "trùng với"),
            "rate": ({"quota_percent_outstanding": "15"}, "từ tỷ lệ thường trở lên"),
        }
        for name, (change, message) in cases.items():
            with self.subTest(name):
                data = form_data(self.client.get(url))
                data.update(change)
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertFalse(AuditEntry.objects.exists())
        self.assertEqual(
            [b.min_score for b in self.rule_set.bands.order_by("level")],
            [b.min_score for b in bands],
        )

    def test_a_disqualifiers_code_cannot_be_renamed_or_deleted(self):
        response = self.client.get(admin_url(RuleSet, "change", self.rule_set.pk))
        first = self.rule_set.disqualifiers.order_by("pk").first()
        self.assertNotIn("disqualifiers-0-DELETE", form_data(response))
        self.assertRegex(
            response.content.decode(),
            rf'<input[^>]*name="disqualifiers-0-code"[^>]*value="{first.code}"[^>]*disabled',
        )
        data = form_data(response)
        data["disqualifiers-0-code"] = "doi-ten"  # a forged post changes nothing
        self.assertEqual(
            self.client.post(admin_url(RuleSet, "change", self.rule_set.pk), data).status_code, 302
        )
        first.refresh_from_db()
        self.assertNotEqual(first.code, "doi-ten")

    def test_the_list_labels_the_unconfirmed_defaults(self):
        response = self.client.get(admin_url(RuleSet, "changelist"))
        self.assertEqual(response.status_code, 200)
        unconfirmed = RuleSet.objects.filter(quota_confidence="unconfirmed").count()
        self.assertGreater(unconfirmed, 0)
        self.assertContains(response, "⚠ mặc định chưa xác nhận", count=unconfirmed)
        self.assertContains(response, "Chắc chắn (văn bản quy phạm)")

    def test_a_unit_officer_has_no_access(self):
        officer = UserFactory(username="canbo")
        give_role(officer, Role.UNIT_OFFICER, make_party(communes=1).province)
        self.client.force_login(officer)
        response = self.client.get(admin_url(RuleSet, "change", self.rule_set.pk))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response.url)


class FormAdminTests(AdminTestCase):
    def form(self) -> Form:
        return Form.objects.filter(code=LAO_DONG_TIEN_TIEN).order_by("-valid_from").first()

    def test_conditions_eligibility_cannot_read_are_refused_and_nothing_saved(self):
        form = self.form()
        bad = [{"type": "classification", "level": 7, "yaers": 2}, {"type": "tieu-chi-moi"}]
        response = self.change(form, conditions=json.dumps(bad))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Điều kiện 1 (classification): khóa “yaers” không được dùng.")
        self.assertContains(response, "“level” phải là 1 (HTXSNV), 2 (HTTNV), 3 (HTNV) hoặc 4")
        self.assertContains(response, "Điều kiện 2: loại “tieu-chi-moi” không được hỗ trợ")
        form.refresh_from_db()
        self.assertNotEqual(form.conditions, bad)
        self.assertFalse(AuditEntry.objects.exists())

    def test_valid_conditions_are_saved_and_audited(self):
        form = self.form()
        conditions = [
            {"code": "xep-loai", "type": "classification", "level": 2, "years": 1},
            {"code": "khong-loai-tru", "type": "no_exclusion", "confidence": "unconfirmed"},
        ]
        response = self.change(form, conditions=json.dumps(conditions, ensure_ascii=False))
        self.assertEqual(response.status_code, 302)
        form.refresh_from_db()
        self.assertEqual(form.conditions, conditions)
        [entry] = entries(Form)
        self.assertEqual(entry.after["conditions"], conditions)

    def test_the_list_labels_the_unconfirmed_defaults(self):
        response = self.client.get(admin_url(Form, "changelist"), {"confidence": "unconfirmed"})
        shown = Form.objects.filter(confidence="unconfirmed").count()
        self.assertGreater(shown, 0)
        self.assertContains(response, "⚠ mặc định chưa xác nhận", count=shown)


class ConditionsValidatorTests(TestCase):
    def test_every_form_of_the_catalogue_passes(self):
        for form in Form.objects.all():
            with self.subTest(form.code):
                validate_conditions(form.conditions, own_code=form.code)

    def test_problems_are_all_reported_with_where_they_are(self):
        conditions = [
            {
                "type": "any_of",
                "conditions": [{"type": "title"}, {"type": "initiative", "count": 0}],
            },
            {"type": "member_share", "min_percent": "120", "measure": "title"},
            {"type": "title", "form": "khong-co-ma-nay", "strict": True},
            "không phải đối tượng",
        ]
        with self.assertRaises(RuleViolation) as caught:
            validate_conditions(conditions)
        message = caught.exception.message
        for fragment in (
            "Điều kiện 1, nhánh 1 (title): thiếu “form”.",
            "Điều kiện 1, nhánh 2 (initiative): “count” phải từ 1 trở lên.",
            "Điều kiện 2 (member_share): “min_percent” phải là một số từ 0 đến 100.",
            "Điều kiện 2 (member_share): đo theo danh hiệu (measure “title”) phải có “form”.",
            "Điều kiện 3 (title): khóa “strict” không được dùng.",
            "Điều kiện 4: phải là một đối tượng JSON",
            "“khong-co-ma-nay” không có trong danh mục.",
        ):
            self.assertIn(fragment, message)

    def test_an_empty_branch_list_and_a_non_list_are_refused(self):
        with self.assertRaises(RuleViolation) as caught:
            validate_conditions([{"type": "all_of", "conditions": []}])
        self.assertIn("“conditions” phải là danh sách không rỗng", caught.exception.message)
        with self.assertRaises(RuleViolation):
            validate_conditions({"type": "no_exclusion"})

    def test_a_form_may_refer_to_its_own_code(self):
        validate_conditions([{"type": "title", "form": "ma-moi", "times": 2}], own_code="ma-moi")


class PersonAdminTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=2)
        cls.person = cls.party.people[0]
        Person.objects.filter(pk=cls.person.pk).update(full_name="Nguyễn Văn An")

    def test_the_search_ignores_case_and_accents(self):
        response = self.client.get(admin_url(Person, "changelist"), {"q": "nguyen van an"})
        self.assertContains(response, "Nguyễn Văn An")
        self.assertNotContains(response, self.party.people[1].full_name)

    def test_a_code_taken_ignoring_case_is_refused(self):
        other = self.party.people[1]
        response = self.change(other, code=self.person.code.lower())
        self.assertContains(response, f"đã được dùng cho Nguyễn Văn An (mã {self.person.code}")
        other.refresh_from_db()
        self.assertNotEqual(other.code, self.person.code.lower())
        self.assertEqual(entries(Person), [])

    def test_adding_and_deleting_a_person_are_audited(self):
        response = self.client.post(
            admin_url(Person, "add"),
            {"code": "MOI-1", "full_name": "Lê Thị Hoa", "unit": self.party.orgs[0].pk},
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(code="MOI-1")
        response = self.client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Person.objects.filter(code="MOI-1").exists())
        created, deleted = entries(Person)
        self.assertEqual((created.action, created.after["full_name"]), ("create", "Lê Thị Hoa"))
        self.assertEqual((deleted.action, deleted.before["code"]), ("delete", "MOI-1"))
        self.assertEqual(deleted.object_id, str(created.object_id))


class QuotaAllowanceAdminTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=1)

    def add(self, year: int):
        return self.client.post(
            admin_url(QuotaAllowance, "add"),
            {
                "year": year,
                "unit": self.party.communes[0].pk,
                "group": "",
                "granted_by": "Ban Thường vụ Tỉnh ủy",
                "document": "Công văn số 12-CV/TU",
                "granted_on": "2025-12-05",
            },
        )

    def test_an_allowance_is_added_audited_and_applied(self):
        self.assertEqual(self.add(2025).status_code, 302)
        allowance = QuotaAllowance.objects.get()
        self.assertEqual(allowance.granted_on, datetime.date(2025, 12, 5))
        [entry] = entries(QuotaAllowance)
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.CREATE, self.admin))
        classify(self.party.people[0], 2025, Level.GOOD)
        [group] = quota.check_people(2025, within=self.party.communes[0])
        self.assertEqual((group.percent, group.allowance), (D(25), allowance))

    def test_a_year_whose_rule_set_has_no_higher_percentage_is_refused(self):
        response = self.add(2024)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Quy định 124-QĐ/TW (năm 2024) không có tỷ lệ riêng")
        self.assertFalse(QuotaAllowance.objects.exists())
        self.assertEqual(entries(QuotaAllowance), [])


class AuditTrailAdminTests(AdminTestCase):
    def test_the_trail_is_read_only(self):
        self.change(self.rule_set, quota_percent="22")
        entry = AuditEntry.objects.get()
        self.assertEqual(self.client.get(admin_url(AuditEntry, "add")).status_code, 403)
        page = self.client.get(admin_url(AuditEntry, "change", entry.pk))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "quota_percent")
        self.client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"})
        self.assertTrue(AuditEntry.objects.filter(pk=entry.pk).exists())


class CouncilAdminTests(AdminTestCase):
    def test_members_cannot_change_while_a_session_sits(self):
        from commendation.tests.test_proposals import make_council

        council = make_council(make_party(communes=1).province, members=3)
        url = admin_url(Council, "change", council.pk)
        session = CouncilSession.objects.create(
            council=council, held_on=datetime.date(2026, 1, 5), place="Hà Nội"
        )

        data = form_data(self.client.get(url))
        data["members-0-position"] = "Thành viên thử"
        audited = AuditEntry.objects.count()
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "đang có phiên họp chưa kết thúc")
        self.assertEqual(AuditEntry.objects.count(), audited)
        self.assertFalse(council.members.filter(position="Thành viên thử").exists())

        session.status = CouncilSession.Status.CLOSED
        session.save()
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertTrue(council.members.filter(position="Thành viên thử").exists())


class InitiativeAdminTests(AdminTestCase):
    def test_the_award_that_used_an_initiative_is_shown_but_not_editable(self):
        person = make_party(communes=1).people[0]
        form = Form.objects.filter(subject="person").order_by("pk").first()
        award = Award.objects.create(form=form, year=2025, person=person, source="QĐ thử")
        initiative = Initiative.objects.create(
            person=person, title="Sổ tay điện tử", year=2025, scope="unit", award=award
        )
        url = admin_url(Initiative, "change", initiative.pk)
        response = self.client.get(url)
        self.assertContains(response, str(award))
        self.assertNotIn("award", form_data(response))
        data = form_data(response)
        data["award"] = ""  # a forged post cannot free it
        self.assertEqual(self.client.post(url, data).status_code, 302)
        initiative.refresh_from_db()
        self.assertEqual(initiative.award, award)


class InitiativeInUseAdminTests(AdminTestCase):
    def test_an_initiative_used_or_cited_cannot_be_deleted_nor_its_facts_changed(self):
        person = make_party(communes=1).people[0]
        form = Form.objects.filter(subject="person").order_by("pk").first()
        award = Award.objects.create(form=form, year=2025, person=person, source="QĐ thử")
        used = Initiative.objects.create(
            person=person, title="Đã dùng", year=2025, scope="unit", award=award
        )
        free = Initiative.objects.create(person=person, title="Chưa dùng", year=2025, scope="unit")

        self.assertEqual(self.client.get(admin_url(Initiative, "delete", used.pk)).status_code, 403)
        data = form_data(self.client.get(admin_url(Initiative, "change", used.pk)))
        self.assertNotIn("scope", data)
        self.change(used, scope="national", title="Đã dùng (sửa tên)")
        used.refresh_from_db()
        self.assertEqual((used.scope, used.title), ("unit", "Đã dùng (sửa tên)"))

        self.assertEqual(self.client.get(admin_url(Initiative, "delete", free.pk)).status_code, 200)
        self.assertIn("scope", form_data(self.client.get(admin_url(Initiative, "change", free.pk))))

"""The person registry pages: search ignoring case and accents within what a user may see,
adding a person and editing their details for the officers who may record for the unit
(commendation.permissions.can_record_for), refusals shown in Vietnamese with nothing saved.

The world is test_views' Hưng Yên: people "Đảng viên 1" … "Đảng viên 10" in commune 1
(organizations 1.1 and 1.2), "Đảng viên 11" … "Đảng viên 20" in commune 2."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commendation.models import Person
from commendation.tests.test_views import ClassificationPageTestCase, rows, section
from core import audit
from core.models import AuditEntry
from core.roles import Role
from organizations.testing import UserFactory, give_role


class PeoplePageTestCase(ClassificationPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.org11, cls.org12 = cls.party.orgs[0], cls.party.orgs[1]
        # an officer of organization 1.1 itself: sees its people, may not record for it
        cls.chibo = give_role(UserFactory(username="chibo"), Role.UNIT_OFFICER, cls.org11)
        cls.nobody = UserFactory(username="khongquyen")

    def search(self, user, query: str):
        self.client.force_login(user)
        return self.client.get(reverse("commendation:people"), {"tim": query})

    def names(self, response) -> list[str]:
        return [r.rsplit(" ", 2)[0] for r in rows(response, "people")[1:]]


class SearchPageTests(PeoplePageTestCase):
    def test_a_search_without_accents_finds_the_people_the_user_may_see(self):
        response = self.search(self.xa, "dang vien 1")
        self.assertEqual(response.status_code, 200)
        # "1" starts "1" and "10"; 11–19 are in commune 2, which commune 1's officer does
        # not see
        listed = rows(response, "people")[1:]
        self.assertEqual([r.split(" HƯ")[0] for r in listed], ["Đảng viên 1", "Đảng viên 10"])
        self.assertContains(response, reverse("commendation:person", args=[self.people11[0].pk]))

    def test_capitals_and_accents_do_not_matter_and_the_province_sees_more(self):
        response = self.search(self.tinh, "ĐẢNG VIÊN 1")
        listed = [r.split(" HƯ")[0] for r in rows(response, "people")[1:]]
        self.assertEqual(len(listed), 11)  # 1, 10, 11 … 19
        self.assertIn("Đảng viên 19", listed)

    def test_a_code_finds_its_person(self):
        person = self.people12[2]
        response = self.search(self.xa, person.code.lower())
        self.assertEqual(
            [r.split(" HƯ")[0] for r in rows(response, "people")[1:]], [person.full_name]
        )

    def test_an_unrelated_officer_finds_nobody(self):
        response = self.search(self.camau, "dang vien")
        self.assertIn("Không tìm thấy ai.", section(response, "people"))

    def test_the_page_costs_the_same_queries_however_many_people_match(self):
        """One search query and one for the units' names, however many rows."""
        self.search(self.tinh, "dang vien")  # signs in
        with CaptureQueriesContext(connection) as before:
            self.client.get(reverse("commendation:people"), {"tim": "dang vien"})
        Person.objects.bulk_create(
            Person(code=f"THEM{i}", full_name=f"Đảng viên thêm {i}", unit=self.org12)
            for i in range(5)
        )
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(reverse("commendation:people"), {"tim": "dang vien"})
        self.assertEqual(len(rows(response, "people")) - 1, 25)
        self.assertEqual(len(after), len(before))


class CreatePersonTests(PeoplePageTestCase):
    def post(self, user, **data):
        self.client.force_login(user)
        details = {"code": "HY-MOI-1", "full_name": "Phạm Thu Hà", "unit_code": self.org11.code}
        return self.client.post(reverse("commendation:person_create"), {**details, **data})

    def test_an_officer_above_the_unit_adds_a_person(self):
        response = self.post(self.xa, gender="F", birth_year="1985")
        person = Person.objects.get(code="HY-MOI-1")
        self.assertRedirects(
            response,
            reverse("commendation:person", args=[person.pk]),
            fetch_redirect_response=False,  # the next page shows the message once
        )
        self.assertEqual(
            (person.full_name, person.unit, person.birth_year), ("Phạm Thu Hà", self.org11, 1985)
        )
        entry = audit.history(person).get()
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.CREATE, self.xa))
        page = self.client.get(response.url)
        self.assertContains(page, "Đã thêm Phạm Thu Hà vào hồ sơ cá nhân.")

    def test_a_code_taken_is_refused_in_vietnamese_and_nothing_saved(self):
        taken = self.people11[0]
        before = (Person.objects.count(), AuditEntry.objects.count())
        response = self.post(self.tinh, code=taken.code.lower())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Chưa lưu được, chưa thay đổi gì")
        self.assertContains(
            response, f"Mã “{taken.code.lower()}” đã được dùng cho {taken.full_name}"
        )
        self.assertEqual((Person.objects.count(), AuditEntry.objects.count()), before)

    def test_a_unit_the_officer_may_not_record_for_is_refused(self):
        """A unit never records for itself (commune 1's officer for commune 1), nor for a unit
        elsewhere; a code that does not exist reads the same."""
        cases = [(self.xa, self.commune.code), (self.camau, self.org11.code), (self.xa, "KHONG")]
        for user, code in cases:
            with self.subTest(user=user.username, code=code):
                response = self.post(user, unit_code=code)
                self.assertContains(
                    response, f"Không có đơn vị mã “{code}” mà bạn được ghi nhận cho."
                )
        self.assertFalse(Person.objects.filter(code="HY-MOI-1").exists())

    def test_a_user_without_a_unit_gets_404(self):
        self.client.force_login(self.nobody)
        self.assertEqual(self.client.get(reverse("commendation:person_create")).status_code, 404)
        response = self.post(self.nobody)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Person.objects.filter(code="HY-MOI-1").exists())


class EditPersonTests(PeoplePageTestCase):
    def edit_url(self, person) -> str:
        return reverse("commendation:person_edit", args=[person.pk])

    def test_an_officer_above_the_unit_edits_and_it_is_audited(self):
        person = self.people11[0]
        self.client.force_login(self.xa)
        page = self.client.get(reverse("commendation:person", args=[person.pk]))
        self.assertContains(page, self.edit_url(person))
        response = self.client.post(
            self.edit_url(person),
            {"code": person.code, "full_name": "Nguyễn Thị Lan", "unit_code": self.org12.code},
        )
        self.assertRedirects(response, reverse("commendation:person", args=[person.pk]))
        person.refresh_from_db()
        self.assertEqual((person.full_name, person.unit), ("Nguyễn Thị Lan", self.org12))
        entry = audit.history(person).get()
        self.assertEqual(
            (entry.before["unit_id"], entry.after["unit_id"]), (self.org11.pk, self.org12.pk)
        )

    def test_the_units_own_officer_sees_the_person_without_the_edit_link(self):
        person = self.people11[0]
        self.client.force_login(self.chibo)
        page = self.client.get(reverse("commendation:person", args=[person.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, self.edit_url(person))
        response = self.client.post(
            self.edit_url(person), {"code": person.code, "full_name": "Sửa bởi chi bộ"}
        )
        self.assertEqual(response.status_code, 404)
        person.refresh_from_db()
        self.assertNotEqual(person.full_name, "Sửa bởi chi bộ")

    def test_an_unrelated_officer_gets_404(self):
        person = self.people11[0]
        self.client.force_login(self.camau)
        self.assertEqual(self.client.get(self.edit_url(person)).status_code, 404)

    def test_moving_a_person_to_a_unit_out_of_reach_is_refused(self):
        person = self.people11[0]
        other = self.party.orgs[2]  # commune 2
        self.client.force_login(self.xa)
        response = self.client.post(
            self.edit_url(person),
            {"code": person.code, "full_name": person.full_name, "unit_code": other.code},
        )
        self.assertContains(
            response, f"Không có đơn vị mã “{other.code}” mà bạn được ghi nhận cho."
        )
        person.refresh_from_db()
        self.assertEqual(person.unit, self.org11)
        self.assertFalse(audit.history(person).exists())

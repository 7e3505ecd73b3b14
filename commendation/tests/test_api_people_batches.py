"""/api/v1/commendation/: the person registry (search, add, edit) and the import batches
(list, dismiss, remove, the file kept) through the API, as the pages do them
(commendation.views people_list, person_create, person_edit, batch_dismiss, batch_remove,
batch_source): the same services, the same permissions, missing and forbidden both 404, a
refused rule 422 with the Vietnamese message and nothing changed.

The world is test_api's: Hưng Yên (2 communes × 2 organizations × 3 members "Đảng viên 1"
… "Đảng viên 12"), its province officer, the officer of commune 1, Cà Mau's officer (the
outsider), central staff (sector-wide) and Thái Bình's three candidates."""

from __future__ import annotations

import os
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commendation.models import Award, Form, ImportBatch, Person, PersonClassification
from commendation.tests.test_api import CommendationApiTestCase
from commendation.tests.test_imports import csv_bytes, line
from core import audit
from core.models import AuditEntry
from core.roles import Role
from organizations.testing import UserFactory, give_role

MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"thidua-test-api-batches-{os.getpid()}")
IMPORT_YEAR = 2019


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class RegistryApiTestCase(CommendationApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.org11, cls.org12, cls.org21 = cls.party.orgs[:3]
        # an officer of organization 1.1 itself: sees its people, may not record for it
        cls.cell_officer = give_role(UserFactory(username="chibo11"), Role.UNIT_OFFICER, cls.org11)
        cls.nobody = UserFactory(username="khongdonvi")

    def patch(self, path, user, body=None):
        return self.send("PATCH", path, user, body)

    def registry(self):
        """Everything adding or editing a person could change."""
        return (
            sorted(
                Person.objects.values_list(
                    "pk", "code", "full_name", "gender", "birth_year", "unit"
                )
            ),
            AuditEntry.objects.count(),
        )


class SearchTests(RegistryApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Added in this order; listed by given name: Ánh, Bình, Đức, Yến.
        for name, org in [
            ("Nguyễn Thị Yến", cls.org11),
            ("Nguyễn Văn Đức", cls.org12),
            ("Nguyễn Văn Bình", cls.org21),  # commune 2
            ("Trần Nguyên Ánh", cls.org11),  # "nguyen" starts a middle name
        ]:
            Person.objects.create(code=f"HYN{Person.objects.count()}", full_name=name, unit=org)

    def names(self, user, **params) -> list[str]:
        response = self.get("/people", user, **params)
        self.assertEqual(response.status_code, 200, response.content)
        return [p["full_name"] for p in response.json()["people"]]

    def test_a_search_ignores_case_and_accents_and_lists_by_given_name(self):
        expected = ["Trần Nguyên Ánh", "Nguyễn Văn Bình", "Nguyễn Văn Đức", "Nguyễn Thị Yến"]
        for query in ("nguyen", "NGUYỄN", "  Nguyên "):
            with self.subTest(query=query):
                self.assertEqual(self.names(self.province_officer, q=query), expected)
        body = self.get("/people", self.province_officer, q="nguyen van b").json()
        self.assertEqual(body["query"], "nguyen van b")
        self.assertFalse(body["more"])
        (person,) = body["people"]
        self.assertEqual(
            (person["full_name"], person["unit_id"], person["unit_name"]),
            ("Nguyễn Văn Bình", self.org21.pk, "Chi bộ thôn 2.1, xã 2 (Hưng Yên)"),
        )

    def test_each_caller_finds_only_the_people_they_may_look_up(self):
        self.assertEqual(
            self.names(self.commune_officer, q="nguyen"),
            ["Trần Nguyên Ánh", "Nguyễn Văn Đức", "Nguyễn Thị Yến"],  # not commune 2
        )
        self.assertEqual(self.names(self.outsider, q="nguyen"), [])
        self.assertIn("Nguyễn Thị Hoa", self.names(self.central, q="nguyen"))  # Thái Bình
        self.assertNotIn("Nguyễn Thị Hoa", self.names(self.province_officer, q="nguyen"))

    def test_a_code_finds_its_person_and_an_empty_query_nobody(self):
        person = self.people[4]
        self.assertEqual(self.names(self.commune_officer, q=person.code.lower()), ["Đảng viên 5"])
        for query in ("", "   "):
            with self.subTest(query=query):
                body = self.get("/people", self.central, q=query).json()
                self.assertEqual((body["people"], body["more"]), ([], False))

    def test_past_the_limit_it_says_there_are_more_as_the_page_does(self):
        """As the page: the first ``limit`` people added that match, listed by name."""
        body = self.get("/people", self.province_officer, q="nguyen", limit=2).json()
        self.assertTrue(body["more"])
        self.assertEqual(
            [p["full_name"] for p in body["people"]], ["Nguyễn Văn Đức", "Nguyễn Thị Yến"]
        )
        self.assertEqual(self.get("/people", self.central, q="a", limit=0).status_code, 422)
        self.assertEqual(self.get("/people", self.central, q="a", limit=501).status_code, 422)

    def test_the_search_costs_the_same_queries_however_many_people_match(self):
        self.get("/people", self.province_officer, q="dang vien")  # issues the token
        with CaptureQueriesContext(connection) as before:
            self.get("/people", self.province_officer, q="dang vien")
        Person.objects.bulk_create(
            Person(code=f"THEM{i}", full_name=f"Đảng viên thêm {i}", unit=self.org12)
            for i in range(5)
        )
        with CaptureQueriesContext(connection) as after:
            response = self.get("/people", self.province_officer, q="dang vien")
        self.assertEqual(len(response.json()["people"]), 17)
        self.assertEqual(len(after), len(before))


class CreatePersonTests(RegistryApiTestCase):
    def body(self, **changes) -> dict:
        return {
            "code": "HY-MOI-1",
            "full_name": "Phạm Thu Hà",
            "unit_code": self.org11.code,
            **changes,
        }

    def test_an_officer_above_the_unit_adds_a_person_and_it_is_audited(self):
        response = self.post(
            "/people", self.commune_officer, self.body(gender="F", birth_year=1985)
        )

        self.assertEqual(response.status_code, 201, response.content)
        person = Person.objects.get(code="HY-MOI-1")
        self.assertEqual(
            response.json(),
            {
                "id": person.pk,
                "code": "HY-MOI-1",
                "full_name": "Phạm Thu Hà",
                "gender": "F",
                "birth_year": 1985,
                "unit_id": self.org11.pk,
                "unit_name": "Chi bộ thôn 1.1, xã 1 (Hưng Yên)",
            },
        )
        entry = audit.history(person).get()
        self.assertEqual(
            (entry.action, entry.actor), (AuditEntry.Action.CREATE, self.commune_officer)
        )
        # readable at once through the search and the record
        self.assertEqual(
            self.get("/people", self.commune_officer, q="pham thu ha").json()["people"][0]["id"],
            person.pk,
        )
        self.assertEqual(self.get(f"/people/{person.pk}", self.commune_officer).status_code, 200)

    def test_the_unit_may_be_given_by_its_id_and_central_staff_may_leave_it_out(self):
        response = self.post(
            "/people",
            self.province_officer,
            {"code": "HY-MOI-2", "full_name": "Lê Minh", "unit_id": self.org21.pk},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Person.objects.get(code="HY-MOI-2").unit, self.org21)
        response = self.post("/people", self.central, {"code": "TW-1", "full_name": "Hà An"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(response.json()["unit_id"])

    def test_a_code_taken_is_422_in_vietnamese_and_nothing_is_saved(self):
        taken = self.people[0]
        before = self.registry()

        response = self.post("/people", self.province_officer, self.body(code=taken.code.lower()))

        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(response.json()["field"], "code")
        self.assertIn(
            f"Mã “{taken.code.lower()}” đã được dùng cho {taken.full_name}",
            response.json()["detail"],
        )
        self.assertEqual(self.registry(), before)

    def test_other_refusals_are_422_in_vietnamese(self):
        before = self.registry()
        cases = [
            (self.commune_officer, {"unit_code": ""}, "unit_code", "Nhập mã đơn vị"),
            (self.commune_officer, {"full_name": " "}, "full_name", "Nhập họ và tên."),
            (self.commune_officer, {"birth_year": 1800}, "birth_year", "Năm sinh phải từ 1900"),
            (self.commune_officer, {"gender": "X"}, "gender", "Giới tính “X” không hợp lệ."),
            (
                self.commune_officer,
                {"unit_id": self.org11.pk},
                "unit_id",
                "Chỉ ghi một trong mã đơn vị và mã số đơn vị.",
            ),
        ]
        for user, changes, field, message in cases:
            with self.subTest(field=field):
                response = self.post("/people", user, self.body(**changes))
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["field"], field)
                self.assertIn(message, response.json()["detail"])
        self.assertEqual(self.registry(), before)

    def test_a_unit_the_caller_may_not_record_for_is_404_and_nothing_is_saved(self):
        """An unrelated officer; a unit's own officer (a unit never records for itself); a
        code that does not exist; a user with no unit at all."""
        before = self.registry()
        cases = [
            (self.outsider, {}),
            (self.outsider, {"unit_code": "", "unit_id": self.org11.pk}),
            (self.commune_officer, {"unit_code": self.party.communes[0].code}),
            (self.cell_officer, {}),
            (self.commune_officer, {"unit_code": "KHONG-CO"}),
            (self.nobody, {}),
            (self.nobody, {"unit_code": ""}),  # 404 before the unit is asked for
        ]
        for user, changes in cases:
            with self.subTest(user=user.username, changes=changes):
                response = self.post("/people", user, self.body(**changes))
                self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(self.registry(), before)


class UpdatePersonTests(RegistryApiTestCase):
    def test_an_officer_above_the_unit_edits_and_it_is_audited(self):
        person = self.people[0]  # organization 1.1
        response = self.patch(
            f"/people/{person.pk}",
            self.commune_officer,
            {"full_name": "Nguyễn Thị Lan", "unit_id": self.org12.pk, "birth_year": 1990},
        )

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["full_name"], response.json()["unit_id"]),
            ("Nguyễn Thị Lan", self.org12.pk),
        )
        changed = Person.objects.get(pk=person.pk)
        # what was left out stays
        self.assertEqual(
            (changed.code, changed.full_name, changed.gender, changed.birth_year, changed.unit),
            (person.code, "Nguyễn Thị Lan", person.gender, 1990, self.org12),
        )
        entry = audit.history(person).get()
        self.assertEqual(
            (entry.action, entry.actor), (AuditEntry.Action.UPDATE, self.commune_officer)
        )
        self.assertEqual(
            (entry.before["unit_id"], entry.after["unit_id"]), (self.org11.pk, self.org12.pk)
        )
        self.assertEqual(
            (entry.before["full_name"], entry.after["full_name"]),
            ("Đảng viên 1", "Nguyễn Thị Lan"),
        )

    def test_the_same_details_write_nothing(self):
        person = self.people[0]
        before = self.registry()
        response = self.patch(
            f"/people/{person.pk}",
            self.province_officer,
            {"code": person.code, "unit_code": self.org11.code},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.registry(), before)

    def test_a_code_taken_is_422_in_vietnamese_and_nothing_is_changed(self):
        person, other = self.people[0], self.people[1]
        before = self.registry()
        response = self.patch(
            f"/people/{person.pk}",
            self.province_officer,
            {"code": other.code.lower(), "full_name": "Tên mới"},
        )
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn(
            f"Mã “{other.code.lower()}” đã được dùng cho {other.full_name}",
            response.json()["detail"],
        )
        self.assertEqual(self.registry(), before)

    def test_whoever_may_not_edit_gets_404_and_nothing_is_changed(self):
        """Cà Mau does not see the person; the organization's own officer sees them but may
        not record for its unit; commune 1's officer may edit them but not move them to
        commune 2; an unknown person. Removing the unit is for sector-wide staff (422)."""
        person = self.people[0]
        self.assertEqual(self.get(f"/people/{person.pk}", self.cell_officer).status_code, 200)
        before = self.registry()
        cases = [
            (self.outsider, person.pk, {"full_name": "Sửa"}),
            (self.cell_officer, person.pk, {"full_name": "Sửa"}),
            (self.commune_officer, person.pk, {"unit_id": self.org21.pk}),
            (self.commune_officer, person.pk, {"unit_code": self.org21.code}),
            (self.commune_officer, self.people[6].pk, {"full_name": "Sửa"}),  # commune 2
            (self.central, Person.objects.order_by("-pk")[0].pk + 1, {"full_name": "Sửa"}),
        ]
        for user, pk, body in cases:
            with self.subTest(user=user.username, body=body):
                response = self.patch(f"/people/{pk}", user, body)
                self.assertEqual(response.status_code, 404, response.content)
        response = self.patch(f"/people/{person.pk}", self.commune_officer, {"unit_code": ""})
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("Nhập mã đơn vị", response.json()["detail"])
        self.assertEqual(self.registry(), before)


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class BatchApiTests(RegistryApiTestCase):
    """A file of the whole province imported through the API by its officer (a DONE batch of
    12 results, its file kept) and a file of commune 2 rejected."""

    def setUp(self):
        super().setUp()
        self.data = csv_bytes([line(p, "HTTNV", year=str(IMPORT_YEAR)) for p in self.people])
        response = self.multipart(
            "/imports",
            self.province_officer,
            {
                "year": IMPORT_YEAR,
                "scope_id": self.province.pk,
                "file": SimpleUploadedFile("ket-qua.csv", self.data, content_type="text/csv"),
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.done = ImportBatch.objects.get(pk=response.json()["id"])
        self.rejected = ImportBatch.objects.create(
            year=IMPORT_YEAR,
            scope=self.party.communes[1],
            file_name="xa-2.csv",
            status=ImportBatch.Status.REJECTED,
            total_rows=2,
            processed_rows=2,
            rejected_rows=1,
            errors=[{"row": 2, "column": "Xếp loại", "message": "Mức “Giỏi” không có."}],
        )

    def listed(self, user) -> list[str]:
        response = self.get("/imports", user)
        self.assertEqual(response.status_code, 200, response.content)
        return [b["file_name"] for b in response.json()]

    def batches(self):
        return (
            sorted(ImportBatch.objects.values_list("pk", "status")),
            PersonClassification.objects.filter(year=IMPORT_YEAR).count(),
            AuditEntry.objects.count(),
        )

    def test_the_list_is_of_the_batches_a_caller_sees_newest_first(self):
        self.assertEqual(self.listed(self.province_officer), ["xa-2.csv", "ket-qua.csv"])
        self.assertEqual(self.listed(self.commune_officer), [])  # the scope is the province
        self.assertEqual(self.listed(self.outsider), [])
        done = self.get("/imports", self.central).json()[1]
        self.assertEqual(
            (done["id"], done["status"], [c["count"] for c in done["counts"]]),
            (self.done.pk, "done", [0, 12, 0, 0]),
        )
        self.assertEqual(self.listed(self.central)[:1], ["xa-2.csv"])
        self.assertEqual(
            [b["id"] for b in self.get("/imports", self.central, limit=1, offset=1).json()],
            [self.done.pk],
        )

    def test_the_list_costs_the_same_queries_however_many_batches(self):
        self.get("/imports", self.province_officer)  # issues the token
        with CaptureQueriesContext(connection) as before:
            self.get("/imports", self.province_officer)
        for name in ("a.csv", "b.csv"):
            batch = ImportBatch.objects.create(
                year=IMPORT_YEAR - 1,
                scope=self.province,
                file_name=name,
                status=ImportBatch.Status.DONE,
            )
            PersonClassification.objects.filter(year=IMPORT_YEAR, person=self.people[0]).update(
                batch=batch
            )
        with CaptureQueriesContext(connection) as after:
            self.assertEqual(len(self.listed(self.province_officer)), 4)
        self.assertEqual(len(after), len(before))

    def test_a_rejected_batch_is_dismissed_audited_and_leaves_the_list(self):
        response = self.post(f"/imports/{self.rejected.pk}/dismiss", self.province_officer)

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "dismissed")
        self.assertEqual(response.json()["errors"][0]["message"], "Mức “Giỏi” không có.")
        entry = audit.history(self.rejected).get()
        self.assertEqual(
            (entry.actor, entry.before["status"], entry.after["status"]),
            (self.province_officer, "rejected", "dismissed"),
        )
        self.assertEqual(self.listed(self.province_officer), ["ket-qua.csv"])
        # its record still answers
        self.assertEqual(
            self.get(f"/imports/{self.rejected.pk}", self.province_officer).json()["status"],
            "dismissed",
        )

    def test_a_finished_batch_cannot_be_dismissed_nor_a_rejected_one_removed(self):
        before = self.batches()
        response = self.post(f"/imports/{self.done.pk}/dismiss", self.province_officer)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("Chỉ bỏ được lần nhập bị từ chối", response.json()["detail"])
        response = self.post(f"/imports/{self.rejected.pk}/remove", self.province_officer)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("Chỉ xóa được lần nhập đã nhập xong", response.json()["detail"])
        self.assertEqual(self.batches(), before)

    def test_a_finished_batch_is_removed_unless_an_award_of_its_year_rests_on_it(self):
        person = self.people[0]
        form = Form.objects.filter(subject="person").order_by("pk").first()
        award = Award.objects.create(form=form, year=IMPORT_YEAR, person=person, source="QĐ thử")
        before = self.batches()

        response = self.post(f"/imports/{self.done.pk}/remove", self.province_officer)

        self.assertEqual(response.status_code, 422, response.content)
        detail = response.json()["detail"]
        self.assertIn(f"{person.full_name} ({person.code}): {form.name}", detail)
        self.assertIn("Thu hồi khen thưởng trước", detail)
        self.assertEqual(self.batches(), before)

        Award.objects.filter(pk=award.pk).update(revoked_at=timezone.now())
        response = self.post(f"/imports/{self.done.pk}/remove", self.province_officer)

        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["deleted_results"]), ("removed", 12))
        self.assertFalse(PersonClassification.objects.filter(batch=self.done).exists())
        entry = audit.history(self.done).get(action=AuditEntry.Action.TRANSITION)
        self.assertEqual((entry.actor, entry.after["deleted_results"]), (self.province_officer, 12))
        # the file can be imported again
        again = self.multipart(
            "/imports",
            self.province_officer,
            {
                "year": IMPORT_YEAR,
                "scope_id": self.province.pk,
                "file": SimpleUploadedFile("ket-qua.csv", self.data, content_type="text/csv"),
            },
        )
        self.assertEqual(again.status_code, 201, again.content)

    def test_who_sees_a_batch_but_has_no_right_on_its_scope_gets_404_on_removing(self):
        """As the page: the officer who started it, since moved below its scope, reads it
        but may not remove it; an unrelated officer does neither."""
        theirs = ImportBatch.objects.create(
            year=IMPORT_YEAR,
            scope=self.province,
            file_name="cu.csv",
            status=ImportBatch.Status.DONE,
            actor=self.commune_officer,
        )
        self.assertEqual(self.get(f"/imports/{theirs.pk}", self.commune_officer).status_code, 200)
        before = self.batches()
        calls = [
            (self.commune_officer, f"/imports/{theirs.pk}/remove"),
            (self.outsider, f"/imports/{self.done.pk}/remove"),
            (self.outsider, f"/imports/{self.rejected.pk}/dismiss"),
            (self.commune_officer, f"/imports/{self.rejected.pk}/dismiss"),  # commune 2's
        ]
        for user, path in calls:
            with self.subTest(user=user.username, path=path):
                self.assertEqual(self.post(path, user).status_code, 404)
        self.assertEqual(self.batches(), before)

    def test_the_file_imported_is_downloaded_as_it_was_uploaded(self):
        response = self.client.get(
            f"/api/v1/commendation/imports/{self.done.pk}/source",
            **self.auth(self.province_officer),
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), self.data)
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="ket-qua.csv"')
        # kept after the batch's results are removed
        self.assertEqual(
            self.post(f"/imports/{self.done.pk}/remove", self.province_officer).status_code, 200
        )
        response = self.get(f"/imports/{self.done.pk}/source", self.province_officer)
        self.assertEqual(b"".join(response.streaming_content), self.data)

    def test_no_file_kept_or_no_right_to_the_batch_is_404(self):
        self.assertEqual(
            self.get(f"/imports/{self.rejected.pk}/source", self.province_officer).status_code,
            404,
        )
        self.assertEqual(
            self.get(f"/imports/{self.done.pk}/source", self.outsider).status_code, 404
        )
        self.done.source_file.delete(save=False)  # the file lost on the disk
        self.assertEqual(
            self.get(f"/imports/{self.done.pk}/source", self.province_officer).status_code,
            404,
        )

"""Import batches after the import: a rejected batch dismissed from the list, a finished batch
removed ("Xóa lần nhập": its results deleted in one DELETE, audited with the count), and who
may do either. Pages through the test client, rules through the service."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commendation.models import Award, Form, ImportBatch, Level, PersonClassification
from commendation.services import batches
from commendation.services.rules import rule_set_for
from commendation.testing import classify, make_party
from core import audit
from core.models import AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.services import registry
from organizations.testing import UserFactory, give_role, make_unit

YEAR = 2024


class BatchTestCase(ThiDuaTestCase):
    """Hưng Yên (2 communes × 2 organizations × 3 members). The province's officer imported
    commune 1's six members (a DONE batch); a file for commune 2 was rejected. Commune 2's
    members also have results entered by hand (no batch)."""

    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=2, orgs_per_commune=2, members_per_org=3)
        cls.commune, cls.other_commune = cls.party.communes
        cls.tinh = give_role(UserFactory(username="tinh"), Role.UNIT_OFFICER, cls.party.province)
        cls.xa = give_role(UserFactory(username="xa"), Role.UNIT_OFFICER, cls.commune)
        cls.xa2 = give_role(UserFactory(username="xa2"), Role.UNIT_OFFICER, cls.other_commune)
        cls.camau = give_role(UserFactory(username="camau"), Role.UNIT_OFFICER, make_unit("Cà Mau"))
        cls.cell = give_role(
            UserFactory(username="chibo"), Role.UNIT_OFFICER, cls.party.orgs[0]
        )  # an officer of one organization under commune 1: below the batch's scope
        cls.done = ImportBatch.objects.create(
            year=YEAR,
            scope=cls.commune,
            file_name="xa-1.csv",
            status=ImportBatch.Status.DONE,
            total_rows=6,
            processed_rows=6,
            actor=cls.tinh,
        )
        rule_set = rule_set_for(YEAR)
        PersonClassification.objects.bulk_create(
            PersonClassification(
                person=person,
                year=YEAR,
                unit=person.unit,
                level=Level.GOOD,
                rule_set=rule_set,
                batch=cls.done,
            )
            for org in cls.party.orgs[:2]
            for person in cls.party.members[org.pk]
        )
        for org in cls.party.orgs[2:]:
            for person in cls.party.members[org.pk]:
                classify(person, YEAR, Level.EXCELLENT)
        cls.rejected = ImportBatch.objects.create(
            year=YEAR,
            scope=cls.other_commune,
            file_name="xa-2.csv",
            status=ImportBatch.Status.REJECTED,
            total_rows=2,
            processed_rows=2,
            rejected_rows=1,
            errors=[{"row": 2, "column": "Xếp loại", "message": "Mức “Giỏi” không có."}],
            actor=cls.xa2,
        )


class RemoveBatchTests(BatchTestCase):
    def test_it_deletes_the_batchs_results_in_one_delete_and_keeps_the_batch(self):
        with CaptureQueriesContext(connection) as queries:
            count = batches.remove_batch(self.done, actor=self.tinh)
        self.assertEqual(count, 6)
        deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
        self.assertEqual(len(deletes), 1)
        self.assertIn("personclassification", deletes[0].lower())
        self.assertFalse(PersonClassification.objects.filter(batch=self.done).exists())
        # the results entered by hand (commune 2) are untouched
        self.assertEqual(PersonClassification.objects.filter(year=YEAR).count(), 6)
        self.done.refresh_from_db()
        self.assertEqual(self.done.status, ImportBatch.Status.REMOVED)

    def test_the_removal_is_audited_with_the_count(self):
        batches.remove_batch(self.done, actor=self.tinh)
        entry = audit.history(self.done).get()
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.TRANSITION, self.tinh))
        self.assertEqual(entry.before["status"], "done")
        self.assertEqual((entry.after["status"], entry.after["deleted_results"]), ("removed", 6))
        self.assertEqual(
            entry.reason, "Xóa lần nhập tệp “xa-1.csv” (năm 2024): đã xóa 6 kết quả xếp loại."
        )

    def test_only_a_finished_batch_can_be_removed(self):
        for batch in (self.rejected, ImportBatch.objects.create(year=YEAR, file_name="x.csv")):
            with (
                self.subTest(status=batch.status),
                self.assertRefused(
                    "Chỉ xóa được lần nhập đã nhập xong", PersonClassification, ImportBatch
                ),
            ):
                batches.remove_batch(batch, actor=self.tinh)
        batches.remove_batch(self.done, actor=self.tinh)
        with self.assertRefused("“Đã xóa các kết quả đã nhập”"):
            batches.remove_batch(self.done, actor=self.tinh)

    def test_an_award_of_the_year_to_a_person_of_the_batch_blocks_the_removal(self):
        person = self.party.members[self.party.orgs[0].pk][0]
        other = self.party.members[self.party.orgs[2].pk][0]  # results entered by hand
        form = Form.objects.filter(subject="person").order_by("pk").first()
        Award.objects.create(form=form, year=YEAR, person=other, source="QĐ thử")
        Award.objects.create(form=form, year=YEAR - 1, person=person, source="QĐ thử")
        self.assertEqual(batches.remove_batch(self.done, actor=self.tinh), 6)  # neither blocks

        batch = ImportBatch.objects.create(
            year=YEAR, scope=self.commune, file_name="lai.csv", status=ImportBatch.Status.DONE
        )
        PersonClassification.objects.filter(year=YEAR, person=person).delete()
        classify(person, YEAR, Level.GOOD)
        PersonClassification.objects.filter(person=person, year=YEAR).update(batch=batch)
        award = Award.objects.create(form=form, year=YEAR, person=person, source="QĐ thử")
        with self.assertRefused(
            f"{person.full_name} ({person.code}): {form.name}", PersonClassification, ImportBatch
        ):
            batches.remove_batch(batch, actor=self.tinh)
        Award.objects.filter(pk=award.pk).update(revoked_at=timezone.now())
        # a later award ("n năm liền") rests on this year's result too
        later = Award.objects.create(form=form, year=YEAR + 1, person=person, source="QĐ thử")
        with self.assertRefused(f"{form.name} năm {YEAR + 1}", PersonClassification):
            batches.remove_batch(batch, actor=self.tinh)
        Award.objects.filter(pk=later.pk).update(revoked_at=timezone.now())
        self.assertEqual(batches.remove_batch(batch, actor=self.tinh), 1)

    def test_nothing_references_a_result_today(self):
        """The refusal "used elsewhere" follows PersonClassification's reverse relations,
        of which there are none: eligibility reads results when it runs and a dossier keeps
        its check as JSON. A relation added later must be reviewed here."""
        self.assertEqual(PersonClassification._meta.related_objects, ())
        self.assertEqual(batches._used_elsewhere(self.done), [])

    def test_who_may_remove(self):
        """Whoever may import into the scope: its officers and those above; not an officer
        of a unit below it, nor of an unrelated unit."""
        self.assertTrue(batches.can_remove_batch(self.tinh, self.done))
        self.assertTrue(batches.can_remove_batch(self.xa, self.done))
        self.assertFalse(batches.can_remove_batch(self.cell, self.done))
        self.assertFalse(batches.can_remove_batch(self.xa2, self.done))
        self.assertFalse(batches.can_remove_batch(self.camau, self.done))


class DismissBatchTests(BatchTestCase):
    def test_a_rejected_batch_is_dismissed_and_audited(self):
        batches.dismiss_batch(self.rejected, actor=self.xa2)
        self.rejected.refresh_from_db()
        self.assertEqual(self.rejected.status, ImportBatch.Status.DISMISSED)
        self.assertEqual(len(self.rejected.errors), 1)  # kept for the record
        entry = audit.history(self.rejected).get()
        self.assertEqual((entry.before["status"], entry.after["status"]), ("rejected", "dismissed"))
        self.assertEqual(entry.actor, self.xa2)

    def test_a_finished_batch_cannot_be_dismissed(self):
        with self.assertRefused("Chỉ bỏ được lần nhập bị từ chối", ImportBatch):
            batches.dismiss_batch(self.done, actor=self.tinh)
        self.done.refresh_from_db()
        self.assertEqual(self.done.status, ImportBatch.Status.DONE)


class BatchPageTests(BatchTestCase):
    def page(self, user, batch):
        self.client.force_login(user)
        return self.client.get(reverse("commendation:batch", args=[batch.pk]))

    def test_the_scopes_officer_sees_the_remove_button_and_removes(self):
        response = self.page(self.xa, self.done)
        self.assertContains(response, reverse("commendation:batch_remove", args=[self.done.pk]))
        response = self.client.post(
            reverse("commendation:batch_remove", args=[self.done.pk]), follow=True
        )
        self.assertContains(
            response, "Đã xóa lần nhập tệp “xa-1.csv”: 6 kết quả xếp loại đã bị xóa."
        )
        self.assertContains(response, "Đã xóa lần nhập")
        self.assertNotContains(response, "Tệp bị từ chối")
        self.assertFalse(PersonClassification.objects.filter(batch=self.done).exists())

    def test_an_officer_below_the_scope_cannot_see_or_remove_the_batch(self):
        self.assertEqual(self.page(self.cell, self.done).status_code, 404)
        response = self.client.post(reverse("commendation:batch_remove", args=[self.done.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(PersonClassification.objects.filter(batch=self.done).count(), 6)

    def test_who_started_a_batch_sees_it_but_removes_only_with_rights_on_its_scope(self):
        """(e.g. an officer since moved to a unit below the scope)."""
        theirs = ImportBatch.objects.create(
            year=YEAR,
            scope=self.commune,
            file_name="cu.csv",
            status=ImportBatch.Status.DONE,
            actor=self.cell,
        )
        response = self.page(self.cell, theirs)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "batch-remove")
        response = self.client.post(reverse("commendation:batch_remove", args=[theirs.pk]))
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, ImportBatch.Status.DONE)

    def test_an_unrelated_officer_gets_404_and_nothing_changes(self):
        before = AuditEntry.objects.count()
        self.client.force_login(self.camau)
        for name, batch in (("batch_remove", self.done), ("batch_dismiss", self.rejected)):
            response = self.client.post(reverse(f"commendation:{name}", args=[batch.pk]))
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(PersonClassification.objects.filter(batch=self.done).count(), 6)
        self.rejected.refresh_from_db()
        self.assertEqual(self.rejected.status, ImportBatch.Status.REJECTED)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_a_dismissed_batch_leaves_the_list(self):
        self.client.force_login(self.xa2)
        listed = self.client.get(reverse("commendation:import"))
        self.assertContains(listed, f'href="/xep-loai/nhap/{self.rejected.pk}/"')
        page = self.page(self.xa2, self.rejected)
        self.assertContains(page, reverse("commendation:batch_dismiss", args=[self.rejected.pk]))
        response = self.client.post(
            reverse("commendation:batch_dismiss", args=[self.rejected.pk]), follow=True
        )
        self.assertRedirects(response, reverse("commendation:import"))
        self.assertContains(response, "Đã bỏ lần nhập tệp “xa-2.csv” khỏi danh sách.")
        self.assertNotContains(response, f'href="/xep-loai/nhap/{self.rejected.pk}/"')
        # its page still answers, marked
        self.assertContains(self.page(self.xa2, self.rejected), "Đã bỏ khỏi danh sách")

    def test_the_list_shows_the_batches_of_the_units_a_user_sees(self):
        """The province's officer sees both (one started by the commune's officer); the
        commune 1 officer only its own scope's; nothing from elsewhere for Cà Mau."""
        self.client.force_login(self.tinh)
        listed = self.client.get(reverse("commendation:import")).content.decode()
        self.assertIn("xa-1.csv", listed)
        self.assertIn("xa-2.csv", listed)
        self.client.force_login(self.xa)
        listed = self.client.get(reverse("commendation:import")).content.decode()
        self.assertIn("xa-1.csv", listed)
        self.assertNotIn("xa-2.csv", listed)
        self.client.force_login(self.camau)
        listed = self.client.get(reverse("commendation:import")).content.decode()
        self.assertNotIn("xa-1.csv", listed)


class MovedUnitBatchTests(BatchTestCase):
    def test_a_batch_listed_after_its_unit_moved_opens_and_the_old_parent_still_sees_it(self):
        """An organization of commune 1, imported for 2024, moves to commune 2 in 2026:
        commune 2's officer lists it (today's tree) and may open it; commune 1's officer may
        still open it (the tree of 2024)."""
        org = self.party.orgs[0]
        batch = ImportBatch.objects.create(
            year=YEAR, scope=org, file_name="chi-bo.csv", status=ImportBatch.Status.REJECTED
        )
        registry.rename_unit(
            org,
            actor=None,
            effective_date=datetime.date(2026, 1, 1),
            name="Chi bộ thôn 1.1 (chuyển về xã 2)",
            parent=self.other_commune,
        )
        url = reverse("commendation:batch", args=[batch.pk])
        self.client.force_login(self.xa2)
        self.assertIn(
            "chi-bo.csv", self.client.get(reverse("commendation:import")).content.decode()
        )
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.xa)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.camau)
        self.assertEqual(self.client.get(url).status_code, 404)

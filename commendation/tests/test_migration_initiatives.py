"""Migration 0010 copies the initiatives' links: Award.initiative (one) → Initiative.award,
Nominee.initiative (one) → Nominee.initiatives (many), and back while each award and nominee
has at most one.

It migrates the test database back to 0009 and forward again inside the test's transaction,
which only PostgreSQL can do (its schema changes are transactional; SQLite's schema editor
refuses to run inside a transaction). The rollback at the end undoes it all."""

from __future__ import annotations

import unittest

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commendation.testing import make_party
from core.test import ThiDuaTestCase

BEFORE = ("commendation", "0009_person_name_search")
AFTER = ("commendation", "0010_initiatives_many")


@unittest.skipUnless(connection.vendor == "postgresql", "schema changes in a transaction")
class InitiativesMigrationTests(ThiDuaTestCase):
    def migrate(self, target):
        # Foreign keys are checked at commit: settle the rows written so far, or PostgreSQL
        # refuses to alter a table with pending checks.
        connection.check_constraints()
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    def test_the_links_are_copied_forward_and_back(self):
        party = make_party(communes=1, orgs_per_commune=1, members_per_org=2)
        hoa, binh = party.people
        old = self.migrate(BEFORE)
        Form = old.get_model("commendation", "Form")
        Award = old.get_model("commendation", "Award")
        Initiative = old.get_model("commendation", "Initiative")
        Proposal = old.get_model("commendation", "Proposal")
        Nominee = old.get_model("commendation", "Nominee")
        form = Form.objects.get(code="chien-si-thi-dua-co-so", valid_to__isnull=True)
        a, b, c = (
            Initiative.objects.create(person_id=hoa.pk, title=t, year=2024, scope="unit")
            for t in ("A", "B", "C")
        )
        award = Award.objects.create(
            form=form, year=2024, person_id=hoa.pk, initiative=a, source="QĐ 1"
        )
        plain = Award.objects.create(form=form, year=2024, person_id=binh.pk, source="QĐ 2")
        proposal = Proposal.objects.create(
            form=form, year=2025, unit_id=party.province.pk, title="Đề nghị"
        )
        cites = Nominee.objects.create(proposal=proposal, person_id=hoa.pk, initiative=c)
        bare = Nominee.objects.create(proposal=proposal, person_id=binh.pk)

        new = self.migrate(AFTER)
        Initiative = new.get_model("commendation", "Initiative")
        Nominee = new.get_model("commendation", "Nominee")
        self.assertEqual(
            dict(Initiative.objects.filter(person_id=hoa.pk).values_list("title", "award_id")),
            {"A": award.pk, "B": None, "C": None},
        )
        self.assertEqual(
            {
                n.pk: list(n.initiatives.values_list("title", flat=True))
                for n in Nominee.objects.filter(pk__in=[cites.pk, bare.pk])
            },
            {cites.pk: ["C"], bare.pk: []},
        )

        # Back: refused while a nominee cites two (nothing can hold it in one column).
        Nominee.objects.get(pk=cites.pk).initiatives.add(b.pk)
        with self.assertRaisesMessage(RuntimeError, "1 người được đề nghị nêu nhiều hơn một"):
            self.migrate(BEFORE)
        Nominee.objects.get(pk=cites.pk).initiatives.remove(b.pk)
        old = self.migrate(BEFORE)
        Award = old.get_model("commendation", "Award")
        Nominee = old.get_model("commendation", "Nominee")
        self.assertEqual(
            dict(Award.objects.filter(pk__in=[award.pk, plain.pk]).values_list("pk", "initiative")),
            {award.pk: a.pk, plain.pk: None},
        )
        self.assertEqual(
            dict(
                Nominee.objects.filter(pk__in=[cites.pk, bare.pk]).values_list("pk", "initiative")
            ),
            {cites.pk: c.pk, bare.pk: None},
        )
        self.migrate(AFTER)

"""An import for a scope takes only the members whose record places them in that scope: an
officer cannot pull another board's member in under one of its own organizations."""

from commendation.models import ImportBatch, PersonClassification
from commendation.tests.test_imports import CODE, ImportCase, csv_bytes, line


class MemberScopeTests(ImportCase):
    def test_a_member_of_another_commune_is_refused_even_under_an_inside_unit(self):
        inside_org = self.party.orgs[0]  # under commune 1
        scope = self.party.communes[0]
        stranger = self.people[-1]  # a member of an organization of commune 2
        row = line(stranger)
        row[2] = inside_org.code  # listed under an organization inside the scope
        batch = self.run_import(
            csv_bytes([line(self.party.members[inside_org.pk][0]), row]), scope=scope
        )
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertIn((3, CODE), [(e["row"], e["column"]) for e in batch.errors], batch.errors)
        self.assertIn("không thuộc", batch.errors[-1]["message"])
        self.assertEqual(PersonClassification.objects.count(), 0)

    def test_without_a_scope_nothing_is_checked_beyond_the_units(self):
        batch = self.run_import(csv_bytes([line(p) for p in self.people[:2]]))
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)

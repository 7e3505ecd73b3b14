"""Who acts on a dossier at the cluster: its managers that year, never the proposing board."""

from django.test import TestCase

from commendation.models import Proposal
from commendation.permissions import can_review_at_cluster, can_view_proposal
from organizations.testing import make_cast


class ClusterStepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()  # Quảng Ninh heads the cluster in 2021

    def proposal(self, unit, status="at_cluster") -> Proposal:
        return Proposal(unit=unit, cluster=self.cast.cluster, year=2021, status=status)

    def test_the_head_reviews_other_boards_dossiers_but_not_its_own(self):
        head = self.cast.head_officer
        self.assertTrue(can_review_at_cluster(head, self.proposal(self.cast.member_unit)))
        self.assertFalse(can_review_at_cluster(head, self.proposal(self.cast.head_unit)))
        # The department following the cluster reviews the head's own dossier.
        department = self.cast.department_officer
        self.assertTrue(can_review_at_cluster(department, self.proposal(self.cast.head_unit)))

    def test_a_fellow_member_never_reads_another_boards_dossier(self):
        other = self.cast.members[2]
        for status in ("draft", "at_cluster"):
            with self.subTest(status=status):
                self.assertFalse(
                    can_view_proposal(self.cast.member_officer, self.proposal(other, status))
                )
        self.assertFalse(can_view_proposal(self.cast.head_officer, self.proposal(other, "draft")))
        self.assertTrue(
            can_view_proposal(self.cast.head_officer, self.proposal(other, "at_cluster"))
        )

"""The route through the cluster: who acts on a dossier there (its managers that year, never
the proposing board), and which dossiers must go through it (every member's)."""

from django.test import TestCase

from commendation.models import Proposal
from commendation.permissions import can_review_at_cluster, can_view_proposal
from commendation.services import eligibility, proposals
from core.test import ThiDuaTestCase
from organizations.testing import add_members, make_cast, make_cluster


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


class ClusterRouteTests(ThiDuaTestCase):
    """A board that is a member of an emulation cluster in the year of the achievements sends
    its dossier through that cluster (bình xét); a board in no cluster that year goes straight
    to the council. The cast's Cụm thi đua số 2 has its five members in 2021 and 2022 only."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def create(self, unit, year, cluster=None) -> Proposal:
        return proposals.create_proposal(
            form=eligibility.form_for(eligibility.CHIEN_SI_THI_DUA_CO_SO, year),
            year=year,
            unit=unit,
            actor=None,
            title=f"Đề nghị Chiến sĩ thi đua cơ sở năm {year}",
            cluster=cluster,
        )

    def test_a_member_without_the_cluster_is_refused_naming_it_and_nothing_is_saved(self):
        with self.assertRefused(
            "Thái Bình là thành viên Cụm thi đua số 2 năm 2022: hồ sơ phải gửi Cụm thi đua số 2 "
            "bình xét trước khi trình Hội đồng.",
            Proposal,
        ) as refused:
            self.create(self.cast.member_unit, 2022)
        self.assertEqual(refused.exception.field, "cluster")
        proposal = self.create(self.cast.member_unit, 2022, self.cast.cluster)
        self.assertEqual(proposal.cluster, self.cast.cluster)

    def test_the_same_board_in_a_year_without_a_cluster_goes_straight_to_the_council(self):
        proposal = self.create(self.cast.member_unit, 2023)
        self.assertIsNone(proposal.cluster)

    def test_a_board_in_no_cluster_goes_straight_to_the_council(self):
        proposal = self.create(self.cast.outsider_unit, 2022)
        self.assertIsNone(proposal.cluster)
        self.assertIsNone(proposal.cluster_id)

    def test_a_member_of_two_clusters_is_told_of_both(self):
        other = make_cluster(4)
        add_members(other, [self.cast.member_unit], [2022])
        with self.assertRefused("thành viên Cụm thi đua số 2 và Cụm thi đua số 4 năm 2022"):
            self.create(self.cast.member_unit, 2022)

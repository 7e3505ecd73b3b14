"""Who may see and change what (organizations.permissions), for every member of the cast.

Beside the cast's Cụm thi đua số 2 (followed by Vụ Địa phương I, headed in 2021 by Quảng Ninh)
there is Cụm thi đua số 3, followed by Vụ Địa phương II, with one member (Kiên Giang).
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import TestCase

from organizations import permissions
from organizations.services import elections as election_services
from organizations.testing import add_members, make_cast, make_cluster, make_unit

ROLES = (
    "admin",
    "central",
    "department_officer",
    "other_department_officer",
    "head_officer",
    "member_officer",
    "outsider",
)


class PermissionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.kien_giang = make_unit("Kiên Giang", parent=cls.cast.commission)
        cls.other_cluster = make_cluster(3, cls.cast.other_department)
        add_members(cls.other_cluster, [cls.kien_giang], (2021, 2022))

    def user(self, role):
        return getattr(self.cast, role)

    def election(self, electorate_year):
        members = self.cast.members
        return election_services.create_election(
            self.cast.cluster,
            actor=None,
            for_year=electorate_year + 1,
            electorate_year=electorate_year,
            conference_title=f"Hội nghị tổng kết năm {electorate_year}",
            held_on=datetime.date(electorate_year, 12, 10),
            head_candidates=[members[0]],
            deputy_candidates=members[2:4],
        )


class VisibleClustersTests(PermissionTestCase):
    def test_each_role_sees_the_clusters_it_follows_or_belongs_to(self):
        both = {self.cast.cluster.pk, self.other_cluster.pk}
        expected = {
            "admin": both,
            "central": both,
            "department_officer": {self.cast.cluster.pk},
            "other_department_officer": {self.other_cluster.pk},
            "head_officer": {self.cast.cluster.pk},
            "member_officer": {self.cast.cluster.pk},
            "outsider": set(),
        }
        for role in ROLES:
            with self.subTest(role=role):
                visible = permissions.visible_clusters(self.user(role))
                self.assertEqual(set(visible.values_list("pk", flat=True)), expected[role])
                self.assertEqual(visible.count(), len(expected[role]))  # no duplicates

    def test_an_anonymous_user_sees_no_cluster(self):
        self.assertFalse(permissions.visible_clusters(AnonymousUser()).exists())

    def test_get_cluster_for_user_answers_not_found_for_an_invisible_cluster(self):
        with self.assertRaises(Http404):
            permissions.get_cluster_for_user(self.cast.outsider, self.cast.cluster.pk)
        with self.assertRaises(Http404):
            permissions.get_cluster_for_user(self.cast.member_officer, self.other_cluster.pk)
        self.assertEqual(
            permissions.get_cluster_for_user(self.cast.member_officer, self.cast.cluster.pk),
            self.cast.cluster,
        )

    def test_get_cluster_for_user_with_write_answers_not_found_to_a_reader(self):
        """ "Not found" and "forbidden" look the same: a member sees the cluster but cannot
        change it."""
        with self.assertRaises(Http404):
            permissions.get_cluster_for_user(
                self.cast.member_officer, self.cast.cluster.pk, year=2021, write=True
            )
        self.assertEqual(
            permissions.get_cluster_for_user(
                self.cast.head_officer, self.cast.cluster.pk, year=2021, write=True
            ),
            self.cast.cluster,
        )


class CanManageClusterTests(PermissionTestCase):
    def test_each_role_manages_the_cluster_for_2021(self):
        expected = {
            "admin": True,
            "central": True,
            "department_officer": True,
            "other_department_officer": False,
            "head_officer": True,  # Quảng Ninh heads the cluster in 2021
            "member_officer": False,
            "outsider": False,
        }
        for role in ROLES:
            with self.subTest(role=role):
                self.assertIs(
                    permissions.can_manage_cluster(self.user(role), self.cast.cluster, 2021),
                    expected[role],
                )

    def test_the_head_officer_does_not_manage_the_cluster_for_2022(self):
        """The head's rights last for the year its unit heads the cluster, no longer."""
        self.assertFalse(
            permissions.can_manage_cluster(self.cast.head_officer, self.cast.cluster, 2022)
        )
        self.assertTrue(
            permissions.can_manage_cluster(self.cast.department_officer, self.cast.cluster, 2022)
        )

    def test_a_department_manages_only_the_clusters_it_follows(self):
        self.assertTrue(
            permissions.can_manage_cluster(
                self.cast.other_department_officer, self.other_cluster, 2021
            )
        )
        self.assertFalse(
            permissions.can_manage_cluster(self.cast.department_officer, self.other_cluster, 2021)
        )


class CanVoteForTests(PermissionTestCase):
    def test_who_may_enter_each_ballot_of_an_election_by_the_2021_members(self):
        election = self.election(2021)
        own, other = self.cast.member_unit, self.cast.members[2]
        expected = {
            "admin": (True, True),
            "central": (True, True),
            "department_officer": (True, True),
            "other_department_officer": (False, False),
            "head_officer": (True, True),  # manages the 2021 electorate: paper ballots
            "member_officer": (True, False),  # its own unit only
            "outsider": (False, False),
        }
        for role in ROLES:
            with self.subTest(role=role):
                self.assertEqual(
                    (
                        permissions.can_vote_for(self.user(role), election, own),
                        permissions.can_vote_for(self.user(role), election, other),
                    ),
                    expected[role],
                )

    def test_the_head_officer_enters_only_its_own_ballot_when_it_no_longer_leads(self):
        election = self.election(2022)

        self.assertTrue(
            permissions.can_vote_for(self.cast.head_officer, election, self.cast.head_unit)
        )
        self.assertFalse(
            permissions.can_vote_for(self.cast.head_officer, election, self.cast.member_unit)
        )

    def test_get_election_for_user_hides_the_election_from_those_who_cannot_see_its_cluster(
        self,
    ):
        election = self.election(2021)
        for role in ("other_department_officer", "outsider"):
            with self.subTest(role=role), self.assertRaises(Http404):
                permissions.get_election_for_user(self.user(role), election.pk)
        self.assertEqual(
            permissions.get_election_for_user(self.cast.member_officer, election.pk), election
        )
        with self.assertRaises(Http404):
            permissions.get_election_for_user(self.cast.member_officer, election.pk, write=True)


class CanEditRegistryTests(PermissionTestCase):
    def test_only_the_system_admin_and_central_staff_edit_the_registry(self):
        expected = {"admin", "central"}
        for role in ROLES:
            with self.subTest(role=role):
                self.assertIs(permissions.can_edit_registry(self.user(role)), role in expected)

    def test_every_signed_in_user_reads_a_unit_and_only_editors_may_write_it(self):
        unit = self.cast.member_unit
        for role in ROLES:
            with self.subTest(role=role):
                self.assertEqual(permissions.get_unit_for_user(self.user(role), unit.pk), unit)
                if role in {"admin", "central"}:
                    permissions.get_unit_for_user(self.user(role), unit.pk, write=True)
                else:
                    with self.assertRaises(Http404):
                        permissions.get_unit_for_user(self.user(role), unit.pk, write=True)

    def test_an_anonymous_user_reads_nothing(self):
        self.assertFalse(permissions.can_edit_registry(AnonymousUser()))
        with self.assertRaises(Http404):
            permissions.get_unit_for_user(AnonymousUser(), self.cast.member_unit.pk)

"""Who may see and change what in the emulation app (emulation.permissions), for the cast of
organizations.testing plus the officers of Hải Phòng (deputy head in 2021), Bắc Ninh (a plain
member) and Hạ Long (a district board under Quảng Ninh, which runs a cascaded year)."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import override_settings

from core.roles import Role
from core.test import ThiDuaTestCase
from emulation import permissions
from emulation.services import cycle
from emulation.testing import make_world, self_assess
from emulation.tests.test_ranking import finalize_sheets
from organizations.testing import UserFactory, give_role, make_unit


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PermissionTestCase(ThiDuaTestCase):
    review_mode = "leaders"

    def setUp(self):
        self.world = make_world(review_mode=self.review_mode)
        cast = self.world.cast
        self.cast = cast
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, _ = cast.members
        self.ha_long = make_unit(
            "Hạ Long",
            name="Ban Tổ chức Thành ủy Hạ Long",
            parent=self.quang_ninh,
            kind_code="district_board",
        )
        self.users = {
            name: getattr(cast, name)
            for name in (
                "admin",
                "central",
                "department_officer",
                "other_department_officer",
                "head_officer",
                "member_officer",
                "outsider",
            )
        }
        for name, unit in (
            ("deputy_officer", self.hai_phong),
            ("bac_ninh_officer", self.bac_ninh),
            ("ha_long_officer", self.ha_long),
        ):
            self.users[name] = give_role(UserFactory(username=name), Role.UNIT_OFFICER, unit)
        self.cascade = cycle.open_year(
            organizer=self.quang_ninh,
            year=2021,
            title="Thi đua năm 2021 – Quảng Ninh",
            actor=cast.admin,
        )

    def check(self, predicate, expected: dict[str, bool]):
        """``expected`` names every user of the cast; each must get its answer."""
        self.assertEqual(set(expected), set(self.users))
        for name, answer in expected.items():
            with self.subTest(user=name):
                self.assertIs(predicate(self.users[name]), answer)

    def sheet(self, unit=None):
        return self.world.sheet(unit or self.thai_binh)


class ManageYearTests(PermissionTestCase):
    def test_a_cluster_year_is_managed_centrally_by_its_department_and_its_leaders(self):
        self.check(
            lambda user: permissions.can_manage_year(user, self.world.year),
            {
                "admin": True,
                "central": True,
                "department_officer": True,
                "other_department_officer": False,
                "head_officer": True,
                "deputy_officer": True,
                "member_officer": False,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )
        self.assertFalse(permissions.can_manage_year(AnonymousUser(), self.world.year))

    def test_leaders_manage_only_the_year_they_lead(self):
        """Quảng Ninh and Hải Phòng lead the cluster in 2021, nobody yet in 2022."""
        year_2022 = cycle.open_year(
            cluster=self.cast.cluster, year=2022, title="Thi đua năm 2022", actor=self.cast.admin
        )
        self.check(
            lambda user: permissions.can_manage_year(user, year_2022),
            {
                "admin": True,
                "central": True,
                "department_officer": True,
                "other_department_officer": False,
                "head_officer": False,
                "deputy_officer": False,
                "member_officer": False,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )

    def test_a_cascaded_year_is_managed_by_central_staff_and_the_organizers_officers(self):
        self.check(
            lambda user: permissions.can_manage_year(user, self.cascade),
            {
                "admin": True,
                "central": True,
                "department_officer": False,
                "other_department_officer": False,
                "head_officer": True,
                "deputy_officer": False,
                "member_officer": False,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )


class ViewSheetTests(PermissionTestCase):
    def test_before_publication_other_members_do_not_see_a_units_sheet(self):
        expected = {
            "admin": True,
            "central": True,
            "department_officer": True,
            "other_department_officer": False,
            "head_officer": True,
            "deputy_officer": True,
            "member_officer": True,  # its own
            "bac_ninh_officer": False,
            "ha_long_officer": False,
            "outsider": False,
        }
        self.check(lambda user: permissions.can_view_sheet(user, self.sheet()), expected)
        self_assess(self.world, self.thai_binh, {})
        self.check(lambda user: permissions.can_view_sheet(user, self.sheet()), expected)

    def test_after_publication_every_participant_sees_every_sheet(self):
        finalize_sheets(self.world)
        cycle.publish_period(self.world.period, actor=self.cast.admin)
        self.check(
            lambda user: permissions.can_view_sheet(user, self.sheet()),
            {
                "admin": True,
                "central": True,
                "department_officer": True,
                "other_department_officer": False,
                "head_officer": True,
                "deputy_officer": True,
                "member_officer": True,
                "bac_ninh_officer": True,
                "ha_long_officer": False,
                "outsider": False,
            },
        )


class SeeReviewersTests(PermissionTestCase):
    def test_individual_reviewers_are_shown_to_managers_never_to_the_reviewed_unit(self):
        """Quảng Ninh's officer manages the year, but on Quảng Ninh's own sheet it is the
        reviewed unit: it sees the aggregate, not what Hải Phòng gave."""
        managers_only = {
            "admin": True,
            "central": True,
            "department_officer": True,
            "other_department_officer": False,
            "head_officer": True,
            "deputy_officer": True,
            "member_officer": False,  # the reviewed unit
            "bac_ninh_officer": False,
            "ha_long_officer": False,
            "outsider": False,
        }
        self.check(lambda user: permissions.can_see_reviewers(user, self.sheet()), managers_only)
        own = self.sheet(self.quang_ninh)
        self.check(
            lambda user: permissions.can_see_reviewers(user, own),
            managers_only | {"head_officer": False, "member_officer": False},
        )


class GetSheetTests(PermissionTestCase):
    def setUp(self):
        super().setUp()
        self.submitted = self_assess(self.world, self.thai_binh, {})

    def allowed(self, user, sheet, write):
        try:
            return permissions.get_sheet_for_user(user, sheet.pk, write=write) == sheet
        except Http404:
            return False

    def test_self_input_is_for_the_units_own_officers(self):
        self.check(
            lambda user: self.allowed(user, self.submitted, "self"),
            {
                "admin": True,
                "central": False,
                "department_officer": False,
                "other_department_officer": False,
                "head_officer": False,
                "deputy_officer": False,
                "member_officer": True,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )

    def test_review_input_is_for_the_reviewer_units_officers(self):
        self.check(
            lambda user: self.allowed(user, self.submitted, "review"),
            {
                "admin": False,
                "central": False,
                "department_officer": False,
                "other_department_officer": False,
                "head_officer": True,
                "deputy_officer": True,
                "member_officer": False,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )

    def test_a_reviewer_cannot_open_its_own_units_sheet_for_review(self):
        own = self.sheet(self.quang_ninh)
        head = self.users["head_officer"]
        self.assertEqual(permissions.get_sheet_for_user(head, own.pk, write="self"), own)
        with self.assertRaises(Http404):
            permissions.get_sheet_for_user(head, own.pk, write="review")
        # Hải Phòng reviews Quảng Ninh's sheet instead.
        deputy = self.users["deputy_officer"]
        self.assertEqual(permissions.get_sheet_for_user(deputy, own.pk, write="review"), own)

    def test_managing_a_sheet_is_for_the_years_managers(self):
        self.check(
            lambda user: self.allowed(user, self.submitted, "manage"),
            {
                "admin": True,
                "central": True,
                "department_officer": True,
                "other_department_officer": False,
                "head_officer": True,
                "deputy_officer": True,
                "member_officer": False,
                "bac_ninh_officer": False,
                "ha_long_officer": False,
                "outsider": False,
            },
        )

    def test_a_missing_sheet_looks_like_a_forbidden_one(self):
        with self.assertRaises(Http404) as missing:
            permissions.get_sheet_for_user(self.users["admin"], 999_999)
        with self.assertRaises(Http404) as forbidden:
            permissions.get_sheet_for_user(self.users["outsider"], self.submitted.pk)
        self.assertEqual(str(missing.exception), str(forbidden.exception))


class CrossReviewPermissionTests(PermissionTestCase):
    review_mode = "cross"

    def test_a_cross_reviewer_sees_a_sheet_once_it_is_submitted(self):
        bac_ninh_officer = self.users["bac_ninh_officer"]
        self.assertFalse(permissions.can_view_sheet(bac_ninh_officer, self.sheet()))
        sheet = self_assess(self.world, self.thai_binh, {})
        self.assertTrue(permissions.can_view_sheet(bac_ninh_officer, sheet))
        self.assertEqual(
            permissions.get_sheet_for_user(bac_ninh_officer, sheet.pk, write="review"), sheet
        )
        with self.assertRaises(Http404):
            permissions.get_sheet_for_user(bac_ninh_officer, sheet.pk, write="self")
        own = self_assess(self.world, self.bac_ninh, {})
        with self.assertRaises(Http404):
            permissions.get_sheet_for_user(bac_ninh_officer, own.pk, write="review")


class VisibleYearsTests(PermissionTestCase):
    def test_each_user_lists_the_years_of_its_clusters_and_of_its_cascades(self):
        cluster_year, cascade = self.world.year.pk, self.cascade.pk
        expected = {
            "admin": {cluster_year, cascade},
            "central": {cluster_year, cascade},
            "department_officer": {cluster_year},
            "other_department_officer": set(),
            "head_officer": {cluster_year, cascade},  # member of the cluster, organizer
            "deputy_officer": {cluster_year},
            "member_officer": {cluster_year},
            "bac_ninh_officer": {cluster_year},
            "ha_long_officer": {cascade},  # participant of the cascade
            "outsider": set(),
        }
        for name, years in expected.items():
            with self.subTest(user=name):
                listed = list(
                    permissions.visible_years(self.users[name]).values_list("pk", flat=True)
                )
                self.assertEqual(set(listed), years)
                self.assertEqual(len(listed), len(years))  # no duplicates

"""The pages, through the test client: what each user sees (in Vietnamese) and may do.

Every success test has a denied-access test beside it: "not found" and "forbidden" look the
same (404), so a page never tells an outsider that a cluster or an election exists.
"""

import datetime
import re

from django.test import TestCase
from django.urls import reverse

from core.models import AuditEntry
from organizations.models import (
    Ballot,
    BallotMark,
    Candidate,
    ClusterLeadership,
    ClusterMembership,
    Election,
    LineageEvent,
    Position,
    UnitVersion,
)
from organizations.services import clusters, registry
from organizations.services import elections as election_services
from organizations.testing import UserFactory, make_cast, make_unit


def member_names(response) -> list[str]:
    """The unit names in the members table of the cluster page, top to bottom."""
    table = re.search(r'<table class="grid" id="members">(.*?)</table>', response.text, re.S)
    return re.findall(r'class="member-name"><a [^>]*>([^<]+)</a>', table.group(1))


def leaders_block(response) -> str:
    found = re.search(r'<ul class="leaders">(.*?)</ul>', response.text, re.S)
    return found.group(1) if found else ""


class LoginRequiredTests(TestCase):
    def test_an_anonymous_visitor_is_sent_to_the_login_page(self):
        for url in (reverse("home"), reverse("organizations:unit_list"), "/cum/1/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(
                    response, f"/dang-nhap/?next={url}", fetch_redirect_response=False
                )

    def test_an_anonymous_post_is_sent_to_the_login_page_and_changes_nothing(self):
        response = self.client.post("/bau-cu/1/phieu/1/", {"head": "1"})

        self.assertRedirects(
            response, "/dang-nhap/?next=/bau-cu/1/phieu/1/", fetch_redirect_response=False
        )
        self.assertEqual(Ballot.objects.count(), 0)

    def test_the_login_page_and_the_health_check_are_open(self):
        self.assertContains(self.client.get("/dang-nhap/"), "<form", status_code=200)
        self.assertContains(self.client.get("/healthz/"), "ok")

    def test_a_signed_in_user_sees_the_overview(self):
        self.client.force_login(UserFactory(username="docgia"))

        response = self.client.get(reverse("home"))

        self.assertContains(response, "Tổng quan")
        self.assertContains(response, "Tài khoản của bạn chưa được phân quyền theo dõi cụm nào.")


class RegistryPageTests(TestCase):
    """Units around the 01/07/2025 merger: Hải Dương joins Hải Phòng."""

    @classmethod
    def setUpTestData(cls):
        cls.commission = make_unit(
            "Ban Tổ chức Trung ương",
            name="Ban Tổ chức Trung ương",
            kind_code="central_commission",
            code="BTCTW",
        )
        cls.hai_phong = make_unit("Hải Phòng", parent=cls.commission, code="HP")
        cls.hai_duong = make_unit("Hải Dương", parent=cls.commission, code="HD")
        cls.bac_ninh = make_unit("Bắc Ninh", parent=cls.commission, code="BN")
        cls.thai_binh = make_unit("Thái Bình", parent=cls.commission, code="TB")
        registry.merge_units(
            [cls.hai_duong],
            into=cls.hai_phong,
            actor=None,
            effective_date=datetime.date(2025, 7, 1),
            legal_basis="Nghị quyết số 202/2025/QH15",
        )
        cls.reader = UserFactory(username="docgia")
        cls.editor = UserFactory(username="quantri", is_superuser=True, is_staff=True)

    def setUp(self):
        self.client.force_login(self.reader)

    def names_in_list(self, response):
        return re.findall(r'<tr><td><a href="/don-vi/\d+/[^"]*">([^<]+)</a>', response.text)

    def test_the_unit_list_shows_the_units_that_existed_on_the_day_asked(self):
        url = reverse("organizations:unit_list")

        before = self.client.get(url, {"as_of": "30/06/2025", "kind": "provincial_board"})
        after = self.client.get(url, {"as_of": "01/07/2025", "kind": "provincial_board"})

        self.assertEqual(
            self.names_in_list(before), ["Bắc Ninh", "Hải Dương", "Hải Phòng", "Thái Bình"]
        )
        self.assertContains(before, "4 đơn vị vào ngày 30/06/2025")
        self.assertEqual(self.names_in_list(after), ["Bắc Ninh", "Hải Phòng", "Thái Bình"])
        self.assertContains(after, "3 đơn vị vào ngày 01/07/2025")

    def test_the_unit_search_ignores_case_and_accents(self):
        response = self.client.get(
            reverse("organizations:unit_list"), {"q": "HAI DUONG", "as_of": "30/06/2025"}
        )

        self.assertEqual(self.names_in_list(response), ["Hải Dương"])

    def test_an_htmx_search_returns_only_the_table(self):
        response = self.client.get(
            reverse("organizations:unit_list"),
            {"q": "bac ninh", "as_of": "30/06/2025"},
            HTTP_HX_REQUEST="true",
        )

        self.assertNotContains(response, "<html")
        self.assertContains(response, "1 đơn vị vào ngày 30/06/2025")
        self.assertEqual(self.names_in_list(response), ["Bắc Ninh"])

    def test_the_unit_list_is_read_in_a_fixed_number_of_queries(self):
        url = reverse("organizations:unit_list")
        with self.assertNumQueries(7):
            # 1. the session; 2. the user;
            # 3. COUNT of the versions in force that day ("4 đơn vị vào ngày ...");
            # 4. the user's role assignments (may they add units?);
            # 5. the unit kinds of the filter's <select>;
            # 6. the versions in force, with unit, kind and parent joined;
            # 7. the parents' versions (prefetch), for the "Cấp trên" column.
            response = self.client.get(url, {"as_of": "30/06/2025"})
        self.assertContains(response, "5 đơn vị vào ngày 30/06/2025")

    def test_a_reader_does_not_see_the_add_unit_button_and_an_editor_does(self):
        url = reverse("organizations:unit_list")
        self.assertNotContains(self.client.get(url), "Thêm đơn vị")

        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), "Thêm đơn vị")

    def test_the_absorbing_unit_shows_its_predecessor_and_its_timeline(self):
        response = self.client.get(
            reverse("organizations:unit_detail", args=[self.hai_phong.pk]),
            {"as_of": "01/07/2025"},
        )

        self.assertContains(response, "<h1>Ban Tổ chức Tỉnh ủy Hải Phòng</h1>", html=True)
        self.assertContains(response, "Quá trình kế thừa")
        self.assertContains(
            response,
            f'Tiền thân: <a href="/don-vi/{self.hai_duong.pk}/">Hải Dương</a>'
            " — Sáp nhập 01/07/2025",
        )
        self.assertContains(response, "Nghị quyết số 202/2025/QH15")
        self.assertContains(response, "Dòng thời gian")
        self.assertContains(response, "01/08/2008 – nay")

    def test_the_absorbed_unit_shows_its_end_and_who_carries_it_on(self):
        response = self.client.get(
            reverse("organizations:unit_detail", args=[self.hai_duong.pk]),
            {"as_of": "01/07/2025"},
        )

        self.assertContains(response, "hoạt động đến hết ngày 30/06/2025")
        self.assertContains(response, "01/08/2008 – 30/06/2025")
        self.assertContains(
            response, "Vào ngày 01/07/2025 đơn vị này không còn (hoặc chưa) hoạt động."
        )
        self.assertContains(
            response,
            f'Kế thừa bởi: <a href="/don-vi/{self.hai_phong.pk}/?as_of=01/07/2025">Hải Phòng</a>',
        )
        self.assertContains(response, "Kết thúc hoạt động")

    def test_the_day_before_the_merger_the_absorbed_unit_is_shown_as_it_was(self):
        response = self.client.get(
            reverse("organizations:unit_detail", args=[self.hai_duong.pk]),
            {"as_of": "30/06/2025"},
        )

        self.assertContains(
            response, "Vào ngày 30/06/2025: <strong>Ban Tổ chức Tỉnh ủy Hải Dương</strong>"
        )

    def test_an_unknown_unit_is_not_found(self):
        response = self.client.get(reverse("organizations:unit_detail", args=[999_999]))

        self.assertEqual(response.status_code, 404)

    def test_an_editor_renames_a_unit_through_the_page(self):
        self.client.force_login(self.editor)

        response = self.client.post(
            reverse("organizations:unit_rename", args=[self.thai_binh.pk]),
            {"effective_date": "01/01/2023", "name": "Ban Tổ chức Tỉnh ủy Thái Bình mới"},
            follow=True,
        )

        self.assertRedirects(response, self.thai_binh.get_absolute_url())
        self.assertContains(response, "Đã ghi nhận: Đổi tên đơn vị.")
        self.assertContains(response, "Ban Tổ chức Tỉnh ủy Thái Bình mới")

    def test_a_rename_to_a_name_already_taken_shows_the_error_and_changes_nothing(self):
        """Two units under the same parent may not share a name in overlapping periods."""
        self.client.force_login(self.editor)
        counts = [m.objects.count() for m in (UnitVersion, LineageEvent, AuditEntry)]

        response = self.client.post(
            reverse("organizations:unit_rename", args=[self.thai_binh.pk]),
            {"effective_date": "01/01/2023", "name": "Ban Tổ chức Tỉnh ủy Bắc Ninh"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "Đã có đơn vị tên “Ban Tổ chức Tỉnh ủy Bắc Ninh” cùng cấp trên trong thời gian này",
        )
        self.assertEqual(
            counts, [m.objects.count() for m in (UnitVersion, LineageEvent, AuditEntry)]
        )
        self.assertEqual(self.thai_binh.versions.get().valid_to, None)

    def test_registry_changes_are_not_found_for_those_who_may_not_edit(self):
        """Every signed-in user reads the registry; only the admin and central staff change it."""
        urls = [
            reverse(f"organizations:{name}", args=[self.thai_binh.pk])
            for name in ("unit_rename", "unit_merge", "unit_split", "unit_dissolve")
        ] + [reverse("organizations:unit_create")]
        counts = [m.objects.count() for m in (UnitVersion, LineageEvent, AuditEntry)]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
                response = self.client.post(
                    url, {"effective_date": "01/01/2023", "name": "Tên khác", "code": "X"}
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            counts, [m.objects.count() for m in (UnitVersion, LineageEvent, AuditEntry)]
        )

    def test_an_editor_opens_the_registry_change_pages(self):
        self.client.force_login(self.editor)
        for name, title in (
            ("unit_rename", "Đổi tên đơn vị"),
            ("unit_merge", "Sáp nhập đơn vị khác vào đơn vị này"),
            ("unit_split", "Chia tách đơn vị"),
            ("unit_dissolve", "Giải thể đơn vị"),
        ):
            with self.subTest(name=name):
                response = self.client.get(
                    reverse(f"organizations:{name}", args=[self.thai_binh.pk])
                )
                self.assertContains(response, f"<h1>{title}: Thái Bình</h1>", html=True)


class ClusterPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.thanh_hoa = make_unit("Thanh Hóa", parent=cls.cast.commission)
        clusters.add_member(cls.cast.cluster, cls.thanh_hoa, 2021, actor=None)
        cls.url = reverse("organizations:cluster_detail", args=[cls.cast.cluster.pk])

    def test_a_member_officer_sees_the_members_in_vietnamese_order(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(self.url, {"year": 2021})

        self.assertContains(response, "Cụm thi đua số 2 — năm 2021")
        self.assertContains(response, "6 thành viên")
        self.assertEqual(
            member_names(response),
            ["Bắc Ninh", "Hải Phòng", "Ninh Bình", "Quảng Ninh", "Thái Bình", "Thanh Hóa"],
        )
        self.assertIn("Cụm trưởng", leaders_block(response))
        self.assertIn("Quảng Ninh", leaders_block(response))

    def test_the_page_opens_on_the_latest_year_with_members(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(self.url)

        self.assertContains(response, "Cụm thi đua số 2 — năm 2022")
        self.assertEqual(len(member_names(response)), 5)

    def test_a_member_officer_does_not_see_the_buttons_that_change_the_cluster(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(self.url, {"year": 2021})

        self.assertNotContains(response, "Thêm thành viên")
        self.assertNotContains(response, "/xoa/")
        self.assertNotContains(response, 'id="new-election"')
        self.assertNotContains(response, "Tổ chức bầu Cụm trưởng, Cụm phó")

    def test_the_department_officer_sees_the_buttons_that_change_the_cluster(self):
        self.client.force_login(self.cast.department_officer)

        response = self.client.get(self.url, {"year": 2021})

        self.assertContains(response, "Thêm thành viên")
        self.assertContains(response, "/xoa/", count=6)
        self.assertContains(response, "Tổ chức bầu Cụm trưởng, Cụm phó năm 2022")

    def test_the_head_officer_manages_the_year_its_unit_heads_and_not_the_next(self):
        self.client.force_login(self.cast.head_officer)

        self.assertContains(self.client.get(self.url, {"year": 2021}), 'id="new-election"')
        self.assertNotContains(self.client.get(self.url, {"year": 2022}), 'id="new-election"')

    def test_a_user_outside_the_cluster_gets_not_found(self):
        for user in (self.cast.outsider, self.cast.other_department_officer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_the_cluster_list_shows_only_visible_clusters_with_their_head(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(reverse("organizations:cluster_list"), {"year": 2021})

        self.assertContains(response, "Cụm thi đua năm 2021")
        self.assertContains(response, "Cụm thi đua số 2")
        self.assertContains(response, "<td>Quảng Ninh</td>", html=True)

        self.client.force_login(self.cast.outsider)
        response = self.client.get(reverse("organizations:cluster_list"), {"year": 2021})
        self.assertNotContains(response, "Cụm thi đua số 2")
        self.assertContains(response, "Bạn chưa được phân quyền theo dõi cụm nào.")

    def test_the_department_officer_adds_and_removes_a_member(self):
        self.client.force_login(self.cast.department_officer)
        ca_mau = self.cast.outsider_unit

        response = self.client.post(
            reverse("organizations:cluster_member_add", args=[self.cast.cluster.pk]),
            {"year": 2022, "unit": ca_mau.pk},
            follow=True,
        )

        self.assertContains(response, "Đã thêm thành viên.")
        self.assertIn("Cà Mau", member_names(response))
        membership = ClusterMembership.objects.get(unit=ca_mau, year=2022)

        response = self.client.post(
            reverse(
                "organizations:cluster_member_remove",
                args=[self.cast.cluster.pk, membership.pk],
            ),
            follow=True,
        )

        self.assertContains(response, "Đã xóa Cà Mau khỏi danh sách năm 2022.")
        self.assertNotIn("Cà Mau", member_names(response))

    def test_adding_a_member_twice_shows_the_vietnamese_refusal(self):
        self.client.force_login(self.cast.department_officer)

        response = self.client.post(
            reverse("organizations:cluster_member_add", args=[self.cast.cluster.pk]),
            {"year": 2022, "unit": self.cast.member_unit.pk},
            follow=True,
        )

        self.assertContains(response, "Thái Bình đã là thành viên Cụm thi đua số 2 năm 2022.")
        self.assertEqual(ClusterMembership.objects.filter(year=2022).count(), 5)

    def test_a_member_officer_cannot_add_or_remove_members(self):
        self.client.force_login(self.cast.member_officer)
        membership = ClusterMembership.objects.get(unit=self.cast.members[2], year=2022)

        add = self.client.post(
            reverse("organizations:cluster_member_add", args=[self.cast.cluster.pk]),
            {"year": 2022, "unit": self.cast.outsider_unit.pk},
        )
        remove = self.client.post(
            reverse(
                "organizations:cluster_member_remove",
                args=[self.cast.cluster.pk, membership.pk],
            )
        )

        self.assertEqual((add.status_code, remove.status_code), (404, 404))
        self.assertEqual(ClusterMembership.objects.filter(year=2022).count(), 5)

    def test_the_cluster_page_is_read_in_a_fixed_number_of_queries(self):
        self.client.force_login(self.cast.member_officer)
        with self.assertNumQueries(12):
            # 1. the session; 2. the user;
            # 3. the user's role assignments (cached on the user for the request);
            # 4. the cluster, if visible, with its department and sector joined;
            # 5. the years that have members (the year <select>);
            # 6. can_manage: does one of the user's units lead the cluster in 2021?
            # 7. the members of 2021 with the names of that year (one query);
            # 8. the leaders of 2022 (none, so no prefetch follows), read once for the
            #    list and for hiding the election button;
            # 9. the department's versions, for its name in the subtitle;
            # 10. the leaders of 2021 with unit and election joined;
            # 11. the leaders' unit versions (prefetch), for their names;
            # 12. the elections held by the 2021 members.
            response = self.client.get(self.url, {"year": 2021})
        self.assertEqual(len(member_names(response)), 6)


class ElectionPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        (cls.quang_ninh, cls.thai_binh, cls.hai_phong, cls.bac_ninh, cls.ninh_binh) = (
            cls.cast.members
        )

    def create_url(self, year=2021):
        return reverse("organizations:election_create", args=[self.cast.cluster.pk]) + (
            f"?year={year}"
        )

    def ballot_url(self, election, voter):
        return reverse("organizations:election_ballot", args=[election.pk, voter.pk])

    def election_form(self, **overrides):
        data = {
            "conference_title": "Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            "held_on": "10/12/2021",
            "place": "Hạ Long",
            "deputy_seats": "2",
            "head_candidates": [self.quang_ninh.pk, self.thai_binh.pk],
            "deputy_candidates": [self.hai_phong.pk, self.bac_ninh.pk, self.ninh_binh.pk],
        }
        data.update(overrides)
        return data

    def open_election(self):
        return election_services.create_election(
            self.cast.cluster,
            actor=self.cast.department_officer,
            for_year=2022,
            conference_title="Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            held_on=datetime.date(2021, 12, 10),
            head_candidates=[self.quang_ninh, self.thai_binh],
            deputy_candidates=[self.hai_phong, self.bac_ninh, self.ninh_binh],
        )

    def test_the_whole_election_through_the_pages(self):
        self.client.force_login(self.cast.department_officer)

        form_page = self.client.get(self.create_url())
        self.assertContains(form_page, "Bầu Cụm trưởng, Cụm phó năm 2022")
        self.assertContains(form_page, "Bỏ phiếu: 5 thành viên năm 2021.")

        response = self.client.post(self.create_url(), self.election_form())
        election = Election.objects.get()
        self.assertRedirects(response, election.get_absolute_url())
        self.assertEqual((election.for_year, election.electorate_year), (2022, 2021))

        page = self.client.get(election.get_absolute_url())
        self.assertContains(page, "Bầu lãnh đạo Cụm thi đua số 2 năm 2022")
        self.assertContains(page, "Phiếu bầu (0/5)")

        ballot = {"head": self.quang_ninh.pk, "deputies": [self.hai_phong.pk, self.bac_ninh.pk]}
        for voter in self.cast.members[:2]:  # plain form posts: back to the election page
            response = self.client.post(self.ballot_url(election, voter), ballot)
            self.assertRedirects(response, election.get_absolute_url())
        for number, voter in enumerate(self.cast.members[2:], start=3):  # htmx: the fragment
            response = self.client.post(
                self.ballot_url(election, voter), ballot, HTTP_HX_REQUEST="true"
            )
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "<html")
            self.assertContains(response, f"Phiếu bầu ({number}/5)")
        self.assertEqual(Ballot.objects.filter(election=election).count(), 5)

        response = self.client.post(
            reverse("organizations:election_close", args=[election.pk]), follow=True
        )

        self.assertRedirects(response, election.get_absolute_url())
        self.assertContains(response, "Đã kết thúc bỏ phiếu và ghi nhận lãnh đạo cụm.")
        self.assertContains(response, "Kết luận: Đã bầu đủ")
        leaders = leaders_block(response)
        self.assertRegex(leaders, r"Cụm trưởng</span>\s*<a [^>]*>Quảng Ninh</a>")
        self.assertRegex(leaders, r"Cụm phó</span>\s*<a [^>]*>Hải Phòng</a>")
        self.assertRegex(leaders, r"Cụm phó</span>\s*<a [^>]*>Bắc Ninh</a>")
        self.assertEqual(
            set(ClusterLeadership.objects.filter(year=2022).values_list("unit", "position")),
            {
                (self.quang_ninh.pk, Position.HEAD),
                (self.hai_phong.pk, Position.DEPUTY),
                (self.bac_ninh.pk, Position.DEPUTY),
            },
        )

        cluster_page = self.client.get(
            reverse("organizations:cluster_detail", args=[self.cast.cluster.pk]), {"year": 2022}
        )
        self.assertIn("Quảng Ninh", leaders_block(cluster_page))

    def test_a_member_officer_cannot_open_the_election_form(self):
        self.client.force_login(self.cast.member_officer)

        self.assertEqual(self.client.get(self.create_url()).status_code, 404)
        self.assertEqual(self.client.post(self.create_url(), self.election_form()).status_code, 404)
        self.assertFalse(Election.objects.exists())

    def test_the_head_officer_runs_the_election_its_unit_leads_and_not_the_next(self):
        self.client.force_login(self.cast.head_officer)

        self.assertEqual(self.client.get(self.create_url(2021)).status_code, 200)
        self.assertEqual(self.client.get(self.create_url(2022)).status_code, 404)

    def test_a_refused_election_shows_the_vietnamese_reason_and_creates_nothing(self):
        self.client.force_login(self.cast.department_officer)

        response = self.client.post(
            self.create_url(),
            self.election_form(deputy_candidates=[self.thai_binh.pk, self.hai_phong.pk]),
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Một đơn vị chỉ ứng cử một chức danh trong một vòng bầu.")
        self.assertEqual((Election.objects.count(), Candidate.objects.count()), (0, 0))

    def test_a_member_officer_casts_its_own_units_ballot(self):
        election = self.open_election()
        self.client.force_login(self.cast.member_officer)

        page = self.client.get(election.get_absolute_url())
        self.assertContains(page, f'action="{self.ballot_url(election, self.thai_binh)}"')
        self.assertNotContains(page, f'action="{self.ballot_url(election, self.hai_phong)}"')
        self.assertNotContains(page, "Kết thúc bỏ phiếu và kiểm phiếu")
        self.assertContains(page, "Kết quả được công bố sau khi kết thúc bỏ phiếu.")

        response = self.client.post(
            self.ballot_url(election, self.thai_binh), {"head": self.quang_ninh.pk}
        )

        self.assertRedirects(response, election.get_absolute_url())
        self.assertEqual(
            list(Ballot.objects.values_list("voter", "cast_by")),
            [(self.thai_binh.pk, self.cast.member_officer.pk)],
        )

    def test_a_member_officer_cannot_cast_another_units_ballot(self):
        election = self.open_election()
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(
            self.ballot_url(election, self.hai_phong), {"head": self.quang_ninh.pk}
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual((Ballot.objects.count(), BallotMark.objects.count()), (0, 0))

    def test_a_member_officer_cannot_close_the_election(self):
        election = self.open_election()
        for voter in self.cast.members:
            election_services.cast_ballot(election, voter, actor=None, head=self.quang_ninh)
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(reverse("organizations:election_close", args=[election.pk]))

        self.assertEqual(response.status_code, 404)
        election.refresh_from_db()
        self.assertTrue(election.is_open)

    def test_an_outsider_cannot_see_the_election(self):
        election = self.open_election()
        self.client.force_login(self.cast.outsider)

        self.assertEqual(self.client.get(election.get_absolute_url()).status_code, 404)

    def test_a_second_ballot_through_the_page_shows_the_vietnamese_refusal(self):
        election = self.open_election()
        self.client.force_login(self.cast.member_officer)
        self.client.post(self.ballot_url(election, self.thai_binh), {"head": self.quang_ninh.pk})

        response = self.client.post(
            self.ballot_url(election, self.thai_binh), {"head": self.thai_binh.pk}, follow=True
        )

        self.assertContains(response, "Thái Bình đã bỏ phiếu trong cuộc bầu này.")
        self.assertEqual(
            list(BallotMark.objects.values_list("candidate__unit", flat=True)),
            [self.quang_ninh.pk],
        )

    def test_a_ballot_naming_a_non_candidate_is_refused_in_the_fragment(self):
        election = self.open_election()
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(
            self.ballot_url(election, self.thai_binh),
            {"head": self.hai_phong.pk},
            HTTP_HX_REQUEST="true",
        )

        self.assertContains(response, "Phiếu không hợp lệ: chỉ chọn trong danh sách ứng viên.")
        self.assertEqual(Ballot.objects.count(), 0)

    def test_closing_below_quorum_shows_the_vietnamese_refusal(self):
        election = self.open_election()
        election_services.cast_ballot(election, self.thai_binh, actor=None, head=self.quang_ninh)
        self.client.force_login(self.cast.department_officer)

        response = self.client.post(
            reverse("organizations:election_close", args=[election.pk]), follow=True
        )

        self.assertContains(response, "Mới có 1/5 đơn vị bỏ phiếu; cần ít nhất 3")
        election.refresh_from_db()
        self.assertTrue(election.is_open)

    def test_an_undecided_election_shows_its_issues_and_no_leaders(self):
        election = self.open_election()
        for voter, head in zip(
            self.cast.members[:4], [self.quang_ninh, self.thai_binh] * 2, strict=True
        ):
            election_services.cast_ballot(
                election, voter, actor=None, head=head, deputies=[self.hai_phong, self.bac_ninh]
            )
        self.client.force_login(self.cast.department_officer)

        response = self.client.post(
            reverse("organizations:election_close", args=[election.pk]), follow=True
        )

        self.assertContains(response, "Đã kết thúc bỏ phiếu nhưng chưa bầu được đủ")
        self.assertContains(response, "Cụm trưởng: hòa phiếu giữa Quảng Ninh, Thái Bình (2 phiếu).")
        self.assertContains(response, "Chưa có kết quả (hòa phiếu hoặc không đủ quá bán)")
        self.assertEqual(leaders_block(response), "")
        self.assertFalse(ClusterLeadership.objects.filter(year=2022).exists())

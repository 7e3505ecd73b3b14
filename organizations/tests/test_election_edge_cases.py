"""Edge cases found in review: duplicates, recorded results, stuck elections, blank head votes."""

from django.urls import reverse

from core.models import ApiToken
from organizations.models import Candidate, ClusterLeadership, Election
from organizations.services import elections as svc
from organizations.tests.test_elections import HELD_ON, ElectionTestCase


class ElectionEdgeCaseTests(ElectionTestCase):
    def record(self, **kwargs):
        defaults = {
            "actor": self.cast.department_officer,
            "for_year": 2022,
            "conference_title": "Hội nghị tổng kết năm 2021",
            "held_on": HELD_ON,
            "head": self.quang_ninh,
            "deputies": [self.hai_phong, self.ninh_binh],
            "source": "Biên bản hội nghị",
        }
        return svc.record_election_result(self.cast.cluster, **{**defaults, **kwargs})

    def test_a_candidate_listed_twice_counts_once(self):
        election = self.open_election(head=[self.quang_ninh, self.quang_ninh])
        self.assertEqual(election.candidates.filter(position="head").count(), 1)

    def test_it_refuses_a_recorded_result_naming_one_unit_for_both_posts(self):
        with self.assertRefused("vừa là Cụm trưởng vừa là Cụm phó", Election, Candidate):
            self.record(deputies=[self.quang_ninh])

    def test_it_refuses_to_record_a_result_while_a_ballot_election_is_open(self):
        """Otherwise the open election could never be closed."""
        self.open_election()
        with self.assertRefused("chưa kết thúc", Election, ClusterLeadership):
            self.record()

    def test_a_recorded_result_is_published_to_members_through_the_api(self):
        election = self.record()
        _, token = ApiToken.issue(self.cast.member_officer, "test")
        response = self.client.get(
            f"/api/v1/elections/{election.pk}/result", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["elected_head"], self.quang_ninh.pk)
        self.assertEqual(body["elected_deputies"], [self.hai_phong.pk, self.ninh_binh.pk])
        self.assertEqual(body["issues"], [])

    def test_blank_head_votes_are_a_missing_majority_not_a_tie(self):
        election = self.open_election()
        self.vote_all(election, [(None, [self.hai_phong])] * 5)
        issues = svc.tally(election).issues
        self.assertTrue(any("không ứng viên nào đạt quá nửa" in i for i in issues), issues)
        self.assertFalse(any("hòa phiếu" in i for i in issues), issues)

    def test_a_refused_htmx_ballot_shows_why(self):
        election = self.open_election()
        self.client.force_login(self.cast.member_officer)
        url = reverse("organizations:election_ballot", args=[election.pk, self.thai_binh.pk])
        self.client.post(url, {"head": self.quang_ninh.pk}, HTTP_HX_REQUEST="true")
        response = self.client.post(url, {"head": self.quang_ninh.pk}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "đã bỏ phiếu trong cuộc bầu này")

"""Electing a cluster's head and deputies (organizations.services.elections).

The cast's cluster has five members in 2021 (the electorate) and in 2022 (the year elected
for): Quảng Ninh, Thái Bình, Hải Phòng, Bắc Ninh, Ninh Bình. Quảng Ninh heads it in 2021.
"""

import datetime

from core.audit import history
from core.test import ThiDuaTestCase
from organizations.models import (
    Ballot,
    BallotMark,
    Candidate,
    ClusterLeadership,
    ClusterMembership,
    Election,
    FactStatus,
    Position,
)
from organizations.services import clusters
from organizations.services import elections as svc
from organizations.testing import make_cast

HELD_ON = datetime.date(2021, 12, 10)


class ElectionTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def setUp(self):
        (
            self.quang_ninh,
            self.thai_binh,
            self.hai_phong,
            self.bac_ninh,
            self.ninh_binh,
        ) = self.cast.members

    def open_election(self, *, head=None, deputies=None, seats=2, for_year=2022, **kwargs):
        return svc.create_election(
            self.cast.cluster,
            actor=self.cast.department_officer,
            for_year=for_year,
            conference_title="Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            held_on=HELD_ON,
            place="Hạ Long",
            head_candidates=[self.quang_ninh, self.thai_binh] if head is None else head,
            deputy_candidates=(
                [self.hai_phong, self.bac_ninh, self.ninh_binh] if deputies is None else deputies
            ),
            deputy_seats=seats,
            **kwargs,
        )

    def vote(self, election, voter, head=None, deputies=()):
        return svc.cast_ballot(
            election, voter, actor=self.cast.department_officer, head=head, deputies=deputies
        )

    def vote_all(self, election, ballots):
        """``ballots``: one (head, deputies) pair per member, in the cast's order."""
        for voter, (head, deputies) in zip(self.cast.members, ballots, strict=False):
            self.vote(election, voter, head, deputies)


class CreateElectionTests(ElectionTestCase):
    def test_it_opens_round_one_with_its_candidates_for_the_next_year(self):
        election = self.open_election()

        self.assertEqual(
            (election.for_year, election.electorate_year, election.round, election.status),
            (2022, 2021, 1, Election.Status.OPEN),
        )
        self.assertEqual(election.method, Election.Method.BALLOT)
        self.assertEqual(election.created_by, self.cast.department_officer)
        self.assertEqual(
            set(election.candidates.values_list("unit", "position")),
            {
                (self.quang_ninh.pk, Position.HEAD),
                (self.thai_binh.pk, Position.HEAD),
                (self.hai_phong.pk, Position.DEPUTY),
                (self.bac_ninh.pk, Position.DEPUTY),
                (self.ninh_binh.pk, Position.DEPUTY),
            },
        )
        self.assertTrue(history(election).filter(action="create").exists())

    def test_it_refuses_a_year_without_an_electorate(self):
        with self.assertRefused("chưa có danh sách thành viên năm 2019", Election, Candidate):
            self.open_election(for_year=2020)

    def test_it_refuses_a_year_that_already_has_its_leadership(self):
        clusters.set_leader(self.cast.cluster, self.thai_binh, 2022, Position.HEAD, actor=None)
        with self.assertRefused("đã có lãnh đạo cụm năm 2022", Election, Candidate):
            self.open_election()

    def test_it_refuses_while_another_election_for_the_year_is_open(self):
        self.open_election()
        with self.assertRefused("Đang có một cuộc bầu chưa kết thúc", Election, Candidate):
            self.open_election()

    def test_it_refuses_candidates_that_are_not_members_of_the_electorate(self):
        with self.assertRefused("Cà Mau không phải thành viên", Election, Candidate):
            self.open_election(head=[self.cast.outsider_unit])
        with self.assertRefused("Cà Mau không phải thành viên", Election, Candidate):
            self.open_election(deputies=[self.hai_phong, self.cast.outsider_unit])

    def test_it_refuses_a_unit_standing_for_both_posts(self):
        with self.assertRefused("chỉ ứng cử một chức danh", Election, Candidate):
            self.open_election(deputies=[self.thai_binh, self.hai_phong])

    def test_it_refuses_fewer_deputy_candidates_than_seats(self):
        with self.assertRefused("Cần ít nhất 3 ứng viên Cụm phó", Election, Candidate):
            self.open_election(seats=3, deputies=[self.hai_phong, self.bac_ninh])

    def test_it_refuses_an_election_without_a_head_candidate(self):
        with self.assertRefused("ít nhất một ứng viên Cụm trưởng", Election, Candidate):
            self.open_election(head=[])

    def test_it_refuses_a_blank_conference_title(self):
        with self.assertRefused("Cần ghi tên hội nghị bầu", Election, Candidate):
            svc.create_election(
                self.cast.cluster,
                actor=None,
                for_year=2022,
                conference_title="   ",
                held_on=HELD_ON,
                head_candidates=[self.quang_ninh],
                deputy_candidates=[],
                deputy_seats=0,
            )


class CastBallotTests(ElectionTestCase):
    def setUp(self):
        super().setUp()
        self.election = self.open_election()

    def test_it_records_one_mark_per_chosen_candidate_and_an_audit_entry(self):
        ballot = self.vote(
            self.election, self.thai_binh, self.quang_ninh, [self.bac_ninh, self.bac_ninh]
        )

        self.assertEqual(ballot.cast_by, self.cast.department_officer)
        self.assertEqual(
            sorted(ballot.marks.values_list("candidate__unit", "candidate__position")),
            sorted([(self.quang_ninh.pk, Position.HEAD), (self.bac_ninh.pk, Position.DEPUTY)]),
        )
        entry = history(ballot).get()
        self.assertEqual(entry.after["marks"], sorted([self.quang_ninh.pk, self.bac_ninh.pk]))

    def test_a_blank_ballot_is_an_abstention_and_still_counts_as_cast(self):
        self.vote(self.election, self.thai_binh)

        self.assertEqual(BallotMark.objects.count(), 0)
        self.assertEqual(svc.tally(self.election).ballots_cast, 1)

    def test_it_refuses_a_unit_that_is_not_a_member_of_the_electorate(self):
        with self.assertRefused("không có quyền bỏ phiếu", Ballot, BallotMark):
            self.vote(self.election, self.cast.outsider_unit, self.quang_ninh)

    def test_it_refuses_a_second_ballot_from_the_same_unit(self):
        self.vote(self.election, self.thai_binh, self.quang_ninh)
        with self.assertRefused("Thái Bình đã bỏ phiếu trong cuộc bầu này", Ballot, BallotMark):
            self.vote(self.election, self.thai_binh, self.thai_binh, [self.hai_phong])

    def test_it_refuses_a_head_mark_on_a_unit_that_is_not_a_head_candidate(self):
        with self.assertRefused("Hải Phòng không phải ứng viên Cụm trưởng", Ballot, BallotMark):
            self.vote(self.election, self.thai_binh, self.hai_phong)

    def test_it_refuses_a_deputy_mark_on_a_unit_that_is_not_a_deputy_candidate(self):
        with self.assertRefused("Quảng Ninh không phải ứng viên Cụm phó", Ballot, BallotMark):
            self.vote(self.election, self.thai_binh, None, [self.quang_ninh])

    def test_it_refuses_more_deputies_than_seats(self):
        with self.assertRefused("Chỉ được chọn tối đa 2 Cụm phó", Ballot, BallotMark):
            self.vote(
                self.election,
                self.thai_binh,
                self.quang_ninh,
                [self.hai_phong, self.bac_ninh, self.ninh_binh],
            )

    def test_it_refuses_a_ballot_once_the_election_is_closed(self):
        self.vote_all(self.election, [(self.quang_ninh, [self.hai_phong, self.bac_ninh])] * 3)
        svc.close_election(self.election, actor=self.cast.department_officer)

        with self.assertRefused("Cuộc bầu đã kết thúc", Ballot, BallotMark):
            self.vote(self.election, self.ninh_binh, self.quang_ninh)

    def test_it_reads_the_status_from_the_database_not_from_a_stale_object(self):
        stale = Election.objects.get(pk=self.election.pk)
        self.vote_all(self.election, [(self.quang_ninh, [])] * 3)
        svc.close_election(self.election, actor=None)

        with self.assertRefused("Cuộc bầu đã kết thúc", Ballot, BallotMark):
            self.vote(stale, self.ninh_binh, self.quang_ninh)


class TallyTests(ElectionTestCase):
    def test_majority_is_more_than_half_of_the_ballots_cast(self):
        """Four ballots: two votes are exactly half and elect nobody; three are needed."""
        election = self.open_election(
            head=[self.quang_ninh, self.thai_binh, self.hai_phong], deputies=[], seats=0
        )
        self.vote_all(
            election,
            [(self.quang_ninh, []), (self.quang_ninh, []), (self.thai_binh, []), (None, [])],
        )

        result = svc.tally(election)

        self.assertEqual((result.electorate, result.ballots_cast, result.majority), (5, 4, 3))
        self.assertIsNone(result.elected_head)
        self.assertFalse(result.decided)
        self.assertEqual(len(result.issues), 1)
        self.assertIn("không ứng viên nào đạt quá nửa số phiếu", result.issues[0])
        self.assertIn("cao nhất Quảng Ninh: 2/4; cần 3", result.issues[0])

    def test_three_of_five_ballots_elect_the_head(self):
        election = self.open_election(head=[self.quang_ninh, self.thai_binh], deputies=[], seats=0)
        self.vote_all(
            election,
            [(self.quang_ninh, [])] * 3 + [(self.thai_binh, [])] * 2,
        )

        result = svc.tally(election)

        self.assertEqual(result.majority, 3)
        self.assertEqual(result.elected_head, self.quang_ninh.pk)
        self.assertTrue(result.decided)
        self.assertEqual(
            [(s.name, s.votes) for s in result.head], [("Quảng Ninh", 3), ("Thái Bình", 2)]
        )

    def test_a_head_tie_is_reported_and_never_resolved(self):
        election = self.open_election(deputies=[], seats=0)
        self.vote_all(
            election,
            [(self.quang_ninh, []), (self.thai_binh, [])] * 2,
        )

        result = svc.tally(election)

        self.assertIsNone(result.elected_head)
        self.assertEqual(
            result.issues, ["Cụm trưởng: hòa phiếu giữa Quảng Ninh, Thái Bình (2 phiếu)."]
        )

    def test_a_deputy_tie_at_the_last_seat_is_reported_and_only_the_clear_seats_are_filled(self):
        """Hải Phòng 4, Bắc Ninh 3, Ninh Bình 3 for two seats: Hải Phòng is clear; the second
        seat is tied between two candidates who both have a majority."""
        election = self.open_election()
        hp, bn, nb = self.hai_phong, self.bac_ninh, self.ninh_binh
        self.vote_all(
            election,
            [
                (self.quang_ninh, [hp, bn]),
                (self.quang_ninh, [hp, nb]),
                (self.quang_ninh, [hp, bn]),
                (self.quang_ninh, [hp, nb]),
                (self.quang_ninh, [bn, nb]),
            ],
        )

        result = svc.tally(election)

        self.assertEqual(result.elected_head, self.quang_ninh.pk)
        self.assertEqual(result.elected_deputies, [hp.pk])
        self.assertEqual(
            result.issues, ["Cụm phó: hòa phiếu ở vị trí thứ 2 giữa Bắc Ninh, Ninh Bình (3 phiếu)."]
        )
        self.assertFalse(result.decided)

    def test_a_deputy_seat_nobody_wins_by_majority_is_reported(self):
        election = self.open_election()
        hp, bn, nb = self.hai_phong, self.bac_ninh, self.ninh_binh
        self.vote_all(
            election,
            [
                (self.quang_ninh, [hp, bn]),
                (self.quang_ninh, [hp, nb]),
                (self.quang_ninh, [hp]),
                (self.quang_ninh, [bn]),
                (self.quang_ninh, [nb]),
            ],
        )

        result = svc.tally(election)

        self.assertEqual(result.elected_deputies, [hp.pk])
        self.assertEqual(len(result.issues), 1)
        self.assertIn(
            "còn 1 vị trí không có ứng viên đạt quá nửa số phiếu (cần 3/5)", result.issues[0]
        )

    def test_deputies_are_decided_when_the_seats_are_clear_even_if_they_tie_with_each_other(self):
        """Hải Phòng and Bắc Ninh tie at 4 but both fit in the two seats: no issue."""
        election = self.open_election()
        hp, bn, nb = self.hai_phong, self.bac_ninh, self.ninh_binh
        self.vote_all(
            election,
            [
                (self.quang_ninh, [hp, bn]),
                (self.quang_ninh, [hp, bn]),
                (self.quang_ninh, [hp, bn]),
                (self.thai_binh, [hp, nb]),
                (self.quang_ninh, [bn]),
            ],
        )

        result = svc.tally(election)

        self.assertEqual(result.issues, [])
        self.assertTrue(result.decided)
        self.assertEqual(result.elected_head, self.quang_ninh.pk)
        self.assertEqual(set(result.elected_deputies), {hp.pk, bn.pk})
        self.assertEqual(
            [(s.name, s.votes) for s in result.deputies],
            [("Bắc Ninh", 4), ("Hải Phòng", 4), ("Ninh Bình", 1)],
        )

    def test_no_ballots_is_reported(self):
        result = svc.tally(self.open_election())

        self.assertEqual(result.issues, ["Chưa có phiếu bầu nào."])


class CloseElectionTests(ElectionTestCase):
    def test_it_refuses_to_close_below_quorum(self):
        """Quorum: ballots from more than half of the members (3 of 5)."""
        election = self.open_election()
        self.vote_all(election, [(self.quang_ninh, [self.hai_phong, self.bac_ninh])] * 2)

        with self.assertRefused("Mới có 2/5 đơn vị bỏ phiếu; cần ít nhất 3", ClusterLeadership):
            svc.close_election(election, actor=self.cast.department_officer)

        election.refresh_from_db()
        self.assertEqual((election.status, election.outcome, election.tally), ("open", "", None))

    def test_a_decided_election_records_the_leadership_of_the_year_linked_to_it(self):
        election = self.open_election()
        self.vote_all(election, [(self.quang_ninh, [self.hai_phong, self.bac_ninh])] * 3)

        result = svc.close_election(election, actor=self.cast.department_officer)

        self.assertTrue(result.decided)
        election.refresh_from_db()
        self.assertEqual(election.status, Election.Status.CLOSED)
        self.assertEqual(election.outcome, Election.Outcome.ELECTED)
        self.assertIsNotNone(election.closed_at)
        self.assertEqual(election.tally["elected_head"], self.quang_ninh.pk)
        leaders = ClusterLeadership.objects.filter(cluster=self.cast.cluster, year=2022)
        self.assertEqual(
            set(leaders.values_list("unit", "position", "election", "status")),
            {
                (self.quang_ninh.pk, Position.HEAD, election.pk, FactStatus.RECORDED),
                (self.hai_phong.pk, Position.DEPUTY, election.pk, FactStatus.RECORDED),
                (self.bac_ninh.pk, Position.DEPUTY, election.pk, FactStatus.RECORDED),
            },
        )
        self.assertEqual(
            set(leaders.values_list("source", flat=True)), {"Kiểm phiếu trong hệ thống, vòng 1"}
        )
        self.assertTrue(history(election).filter(action="transition").exists())

    def test_a_decided_election_carries_the_members_into_a_year_without_a_list(self):
        """Elected for 2023 by the 2022 members: the 2023 list is copied so leaders are members."""
        clusters.set_leader(self.cast.cluster, self.thai_binh, 2022, Position.HEAD, actor=None)
        election = svc.create_election(
            self.cast.cluster,
            actor=None,
            for_year=2023,
            conference_title="Hội nghị tổng kết năm 2022",
            held_on=datetime.date(2022, 12, 9),
            head_candidates=[self.bac_ninh],
            deputy_candidates=[],
            deputy_seats=0,
        )
        self.vote_all(election, [(self.bac_ninh, [])] * 3)

        svc.close_election(election, actor=None)

        self.assertEqual(ClusterMembership.objects.filter(year=2023).count(), 5)
        self.assertEqual(
            list(clusters.leadership(self.cast.cluster, 2023).values_list("unit", "position")),
            [(self.bac_ninh.pk, Position.HEAD)],
        )

    def test_an_undecided_election_stores_its_issues_records_no_leaders_and_allows_round_two(self):
        election = self.open_election(deputies=[], seats=0)
        self.vote_all(
            election,
            [(self.quang_ninh, []), (self.thai_binh, [])] * 2,
        )

        result = svc.close_election(election, actor=self.cast.department_officer)

        self.assertFalse(result.decided)
        election.refresh_from_db()
        self.assertEqual(election.status, Election.Status.CLOSED)
        self.assertEqual(election.outcome, Election.Outcome.UNDECIDED)
        self.assertEqual(election.tally["issues"], result.issues)
        self.assertIn("hòa phiếu", election.tally["issues"][0])
        self.assertFalse(ClusterLeadership.objects.filter(year=2022).exists())

        second = self.open_election(head=[self.quang_ninh], deputies=[], seats=0)

        self.assertEqual(second.round, 2)
        self.assertTrue(second.is_open)

    def test_it_refuses_to_close_an_election_twice(self):
        election = self.open_election()
        self.vote_all(election, [(self.quang_ninh, [self.hai_phong, self.bac_ninh])] * 3)
        svc.close_election(election, actor=None)

        with self.assertRefused("Cuộc bầu đã kết thúc", ClusterLeadership, Election):
            svc.close_election(election, actor=None)


class RecordElectionResultTests(ElectionTestCase):
    def test_it_records_a_closed_election_and_its_leadership_with_the_source(self):
        source = "Biên bản Hội nghị tổng kết Cụm thi đua số 2, ngày 10/12/2021"

        election = svc.record_election_result(
            self.cast.cluster,
            actor=self.cast.central,
            for_year=2022,
            conference_title="Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            held_on=HELD_ON,
            head=self.thai_binh,
            deputies=[self.hai_phong],
            source=source,
        )

        self.assertEqual(
            (election.method, election.status, election.outcome, election.round),
            (Election.Method.RECORDED, Election.Status.CLOSED, Election.Outcome.ELECTED, 1),
        )
        self.assertEqual((election.electorate_year, election.deputy_seats), (2021, 1))
        self.assertEqual(election.source, source)
        self.assertFalse(election.ballots.exists())
        self.assertEqual(
            set(
                ClusterLeadership.objects.filter(year=2022).values_list(
                    "unit", "position", "election", "status", "source"
                )
            ),
            {
                (self.thai_binh.pk, Position.HEAD, election.pk, FactStatus.CONFIRMED, source),
                (self.hai_phong.pk, Position.DEPUTY, election.pk, FactStatus.CONFIRMED, source),
            },
        )

    def test_it_refuses_a_year_that_already_has_its_leadership(self):
        with self.assertRefused("đã có lãnh đạo cụm năm 2021", Election, ClusterLeadership):
            svc.record_election_result(
                self.cast.cluster,
                actor=None,
                for_year=2021,
                conference_title="Hội nghị tổng kết năm 2020",
                held_on=datetime.date(2020, 12, 10),
                head=self.thai_binh,
                deputies=[],
            )

    def test_it_refuses_a_head_that_was_not_a_member_of_the_electorate(self):
        with self.assertRefused("Cà Mau không phải thành viên", Election, ClusterLeadership):
            svc.record_election_result(
                self.cast.cluster,
                actor=None,
                for_year=2022,
                conference_title="Hội nghị tổng kết năm 2021",
                held_on=HELD_ON,
                head=self.cast.outsider_unit,
                deputies=[],
            )

"""Cluster membership and leadership by year (organizations.services.clusters)."""

import datetime

from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations.models import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    FactStatus,
    Position,
    Sector,
)
from organizations.services import clusters, registry
from organizations.services import elections as election_services
from organizations.testing import make_cast, make_cluster, make_unit


class AddMemberTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_it_adds_a_unit_that_exists_in_the_year_and_records_it_in_the_audit_log(self):
        thanh_hoa = make_unit("Thanh Hóa")
        audit_before = AuditEntry.objects.count()

        membership = clusters.add_member(
            self.cast.cluster, thanh_hoa, 2021, actor=self.cast.admin, source="Quyết định số 1"
        )

        self.assertEqual(membership.status, FactStatus.RECORDED)
        self.assertEqual(membership.source, "Quyết định số 1")
        self.assertTrue(clusters.is_member(thanh_hoa, self.cast.cluster, 2021))
        self.assertFalse(clusters.is_member(thanh_hoa, self.cast.cluster, 2022))
        self.assertEqual(AuditEntry.objects.count(), audit_before + 1)

    def test_it_refuses_a_unit_established_after_the_year(self):
        newcomer = make_unit("Hưng Yên", valid_from=datetime.date(2023, 1, 1))
        with self.assertRefused("không tồn tại trong năm 2022", ClusterMembership):
            clusters.add_member(self.cast.cluster, newcomer, 2022, actor=self.cast.admin)

    def test_it_refuses_a_unit_that_ended_before_the_year(self):
        gone = make_unit("Hà Tây")
        registry.dissolve_unit(gone, actor=None, effective_date=datetime.date(2020, 1, 1))
        with self.assertRefused("không tồn tại trong năm 2021", ClusterMembership):
            clusters.add_member(self.cast.cluster, gone, 2021, actor=self.cast.admin)

    def test_it_accepts_a_unit_that_existed_on_only_part_of_the_year(self):
        """Membership is per emulation year: a unit that ends mid-year still took part."""
        short_lived = make_unit("Hà Tây")
        registry.dissolve_unit(short_lived, actor=None, effective_date=datetime.date(2021, 8, 1))

        clusters.add_member(self.cast.cluster, short_lived, 2021, actor=self.cast.admin)

        self.assertTrue(clusters.is_member(short_lived, self.cast.cluster, 2021))

    def test_it_refuses_a_second_cluster_of_the_same_sector_in_the_same_year(self):
        """One unit belongs to one cluster of a sector in a year."""
        other_cluster = make_cluster(3)
        with self.assertRefused("một đơn vị chỉ thuộc một cụm trong một năm", ClusterMembership):
            clusters.add_member(other_cluster, self.cast.member_unit, 2021, actor=self.cast.admin)

    def test_it_accepts_a_cluster_of_another_sector_in_the_same_year(self):
        sector = Sector.objects.create(code="khac", name="Ngành khác")
        other = Cluster.objects.create(
            sector=sector, number=2, name="Cụm thi đua số 2 (ngành khác)"
        )

        clusters.add_member(other, self.cast.member_unit, 2021, actor=self.cast.admin)

        self.assertTrue(clusters.is_member(self.cast.member_unit, other, 2021))

    def test_it_refuses_a_duplicate(self):
        with self.assertRefused("đã là thành viên Cụm thi đua số 2 năm 2021", ClusterMembership):
            clusters.add_member(
                self.cast.cluster, self.cast.member_unit, 2021, actor=self.cast.admin
            )


def _open_election(cast):
    return election_services.create_election(
        cast.cluster,
        actor=cast.admin,
        for_year=2022,
        conference_title="Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
        held_on=datetime.date(2021, 12, 10),
        head_candidates=[cast.members[0]],
        deputy_candidates=cast.members[2:4],
    )


class RemoveMemberTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def _membership(self, unit, year):
        return ClusterMembership.objects.get(cluster=self.cast.cluster, unit=unit, year=year)

    def test_it_removes_a_member_that_has_not_voted_and_audits_the_deletion(self):
        membership = self._membership(self.cast.member_unit, 2021)
        membership_pk = membership.pk

        clusters.remove_member(membership, actor=self.cast.admin, reason="Nhập nhầm")

        self.assertFalse(clusters.is_member(self.cast.member_unit, self.cast.cluster, 2021))
        entry = AuditEntry.objects.get(
            action="delete",
            content_type=ContentType.objects.get_for_model(ClusterMembership),
            object_id=str(membership_pk),
        )
        self.assertEqual(entry.reason, "Nhập nhầm")
        self.assertEqual(entry.before["unit_id"], self.cast.member_unit.pk)

    def test_it_refuses_to_remove_a_unit_once_it_has_voted_in_that_year(self):
        """A ballot refers to the membership of the electorate year: history must stay whole."""
        election = _open_election(self.cast)
        election_services.cast_ballot(
            election, self.cast.member_unit, actor=self.cast.admin, head=self.cast.members[0]
        )
        membership = self._membership(self.cast.member_unit, 2021)

        with self.assertRefused("đã bỏ phiếu trong năm 2021", ClusterMembership):
            clusters.remove_member(membership, actor=self.cast.admin)

    def test_a_ballot_in_the_2021_electorate_does_not_pin_the_2022_membership(self):
        election = _open_election(self.cast)
        election_services.cast_ballot(
            election, self.cast.member_unit, actor=self.cast.admin, head=None
        )

        clusters.remove_member(self._membership(self.cast.member_unit, 2022), actor=None)

        self.assertTrue(clusters.is_member(self.cast.member_unit, self.cast.cluster, 2021))
        self.assertFalse(clusters.is_member(self.cast.member_unit, self.cast.cluster, 2022))


class CopyMembersTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_it_carries_the_members_to_the_next_year_and_skips_units_that_ended(self):
        ninh_binh = self.cast.members[4]
        registry.dissolve_unit(ninh_binh, actor=None, effective_date=datetime.date(2023, 1, 1))

        created = clusters.copy_members(
            self.cast.cluster, from_year=2022, to_year=2023, actor=self.cast.admin
        )

        self.assertEqual(created, 4)
        self.assertEqual(
            set(clusters.member_units(self.cast.cluster, 2023)), set(self.cast.members[:4])
        )
        notes = set(ClusterMembership.objects.filter(year=2023).values_list("note", flat=True))
        self.assertEqual(notes, {"Chuyển từ năm 2022"})

    def test_it_refuses_a_year_that_already_has_members(self):
        with self.assertRefused("Năm 2022 đã có danh sách thành viên", ClusterMembership):
            clusters.copy_members(
                self.cast.cluster, from_year=2021, to_year=2022, actor=self.cast.admin
            )


class MembersTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        cls.thanh_hoa = make_unit("Thanh Hóa")
        clusters.add_member(cls.cast.cluster, cls.thanh_hoa, 2021, actor=None)
        clusters.add_member(cls.cast.cluster, cls.thanh_hoa, 2022, actor=None)

    def test_it_lists_the_members_in_vietnamese_order(self):
        """Vietnamese order compares letters first and tones last: Thái Bình (a-i) comes
        before Thanh Hóa (a-n), which code-point order gets the other way round."""
        names = [m.short_name for m in clusters.members(self.cast.cluster, 2021)]

        self.assertEqual(
            names,
            ["Bắc Ninh", "Hải Phòng", "Ninh Bình", "Quảng Ninh", "Thái Bình", "Thanh Hóa"],
        )
        self.assertNotEqual(names, sorted(names))  # code-point order would differ

    def test_it_shows_each_unit_with_the_name_it_bore_that_year(self):
        """A rename on 01/07/2022 changes the 2022 list (name at the end of the year) and
        leaves the 2021 list as it was."""
        ninh_binh = self.cast.members[4]
        registry.rename_unit(
            ninh_binh,
            actor=None,
            effective_date=datetime.date(2022, 7, 1),
            name="Ban Tổ chức Tỉnh ủy Bình Lục",
            short_name="Bình Lục",
        )

        by_year = {
            year: [(m.short_name, m.full_name) for m in clusters.members(self.cast.cluster, year)]
            for year in (2021, 2022)
        }

        self.assertEqual(by_year[2021][2], ("Ninh Bình", "Ban Tổ chức Tỉnh ủy Ninh Bình"))
        self.assertEqual(
            [short for short, _ in by_year[2022]],
            ["Bắc Ninh", "Bình Lục", "Hải Phòng", "Quảng Ninh", "Thái Bình", "Thanh Hóa"],
        )
        self.assertIn(("Bình Lục", "Ban Tổ chức Tỉnh ủy Bình Lục"), by_year[2022])

    def test_a_unit_that_ended_during_the_year_keeps_its_last_name(self):
        """Renamed on 01/03/2022, dissolved from 01/07/2022: the 2022 list shows the name it
        bore when it ended."""
        hai_phong = self.cast.members[2]
        registry.rename_unit(
            hai_phong,
            actor=None,
            effective_date=datetime.date(2022, 3, 1),
            name="Ban Tổ chức Thành ủy Kiến An",
            short_name="Kiến An",
        )
        registry.dissolve_unit(hai_phong, actor=None, effective_date=datetime.date(2022, 7, 1))

        names = {
            year: [m.short_name for m in clusters.members(self.cast.cluster, year)]
            for year in (2021, 2022)
        }

        self.assertIn("Hải Phòng", names[2021])
        self.assertIn("Kiến An", names[2022])
        self.assertNotIn("Hải Phòng", names[2022])

    def test_it_reads_the_members_of_a_year_in_one_query(self):
        with self.assertNumQueries(1):
            # 1. SELECT the memberships of the cluster and year, JOIN the unit
            #    (select_related), with two correlated subqueries for the short and full
            #    name of that year, ORDER BY the short name in the "vi-x-icu" collation.
            rows = [
                (m.unit.code, m.short_name, m.full_name)
                for m in clusters.members(self.cast.cluster, 2021)
            ]
        self.assertEqual(len(rows), 6)


class SetLeaderTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_it_records_a_deputy_with_its_source_and_an_audit_entry(self):
        audit_before = AuditEntry.objects.count()

        leader = clusters.set_leader(
            self.cast.cluster,
            self.cast.member_unit,
            2021,
            Position.DEPUTY,
            actor=self.cast.admin,
            status=FactStatus.CONFIRMED,
            source="Biên bản hội nghị",
        )

        self.assertEqual(
            list(clusters.leadership(self.cast.cluster, 2021).values_list("unit", "position")),
            [(self.cast.head_unit.pk, Position.HEAD), (self.cast.member_unit.pk, Position.DEPUTY)],
        )
        self.assertEqual(leader.source, "Biên bản hội nghị")
        self.assertEqual(AuditEntry.objects.count(), audit_before + 1)

    def test_it_refuses_a_second_head_in_the_same_year(self):
        with self.assertRefused("đã có Cụm trưởng năm 2021", ClusterLeadership):
            clusters.set_leader(
                self.cast.cluster, self.cast.member_unit, 2021, Position.HEAD, actor=None
            )

    def test_a_head_in_one_year_does_not_block_a_head_in_the_next(self):
        clusters.set_leader(
            self.cast.cluster, self.cast.member_unit, 2022, Position.HEAD, actor=None
        )

        heads = ClusterLeadership.objects.filter(position=Position.HEAD).order_by("year")
        self.assertEqual(
            list(heads.values_list("year", "unit")),
            [(2021, self.cast.head_unit.pk), (2022, self.cast.member_unit.pk)],
        )

    def test_it_refuses_a_unit_that_is_not_a_member_that_year(self):
        with self.assertRefused("không phải thành viên", ClusterLeadership):
            clusters.set_leader(
                self.cast.cluster, self.cast.outsider_unit, 2021, Position.DEPUTY, actor=None
            )

    def test_it_refuses_a_member_of_another_year_only(self):
        clusters.remove_member(
            ClusterMembership.objects.get(unit=self.cast.member_unit, year=2022), actor=None
        )
        with self.assertRefused(
            "không phải thành viên Cụm thi đua số 2 năm 2022", ClusterLeadership
        ):
            clusters.set_leader(
                self.cast.cluster, self.cast.member_unit, 2022, Position.DEPUTY, actor=None
            )

    def test_it_refuses_a_unit_that_already_holds_a_post_that_year(self):
        with self.assertRefused("đã giữ chức danh lãnh đạo", ClusterLeadership):
            clusters.set_leader(
                self.cast.cluster, self.cast.head_unit, 2021, Position.DEPUTY, actor=None
            )

    def test_it_refuses_an_unknown_position(self):
        with self.assertRefused("Chức danh không hợp lệ", ClusterLeadership):
            clusters.set_leader(self.cast.cluster, self.cast.member_unit, 2021, "chair", actor=None)

    def test_clusters_led_by_a_unit_are_found_by_year(self):
        self.assertEqual(
            list(clusters.clusters_led_by(self.cast.head_unit, 2021)), [self.cast.cluster]
        )
        self.assertEqual(list(clusters.clusters_led_by(self.cast.head_unit, 2022)), [])

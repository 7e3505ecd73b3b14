"""The council minutes' data (commendation.documents.minutes_data): every unit bears its name
on the session's day, read in one query (registry.names_on). The layout of the Word document
is tested with the council (test_council.MinutesTests)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commendation.documents import minutes_data
from commendation.services import council as council_services
from commendation.tests.test_council import HELD_ON, CouncilTestCase
from organizations.models import UnitVersion
from organizations.services import registry


class MinutesNamesTests(CouncilTestCase):
    def rename(self, unit, day: datetime.date, name: str) -> None:
        registry.rename_unit(unit, actor=None, effective_date=day, name=name)

    def test_units_bear_their_names_on_the_session_day_read_in_one_query(self):
        commune = self.party.communes[0]
        orgs = self.party.orgs[:3]
        flag = self.at_council(self.flag, units=orgs, unit=commune)
        people = self.at_council(self.csttd_tinh, people=[self.person(0)])
        session = self.session(flag, people)
        for nominee in flag.nominees.order_by("pk"):
            self.tally(session, nominee, 9, 1)
        self.tally(session, people.nominees.get(), 10, 0)
        council_services.close_session(session, actor=self.secretariat)
        session.refresh_from_db()
        before = [org.latest_version.name for org in orgs]
        # the commune renamed before the session, the first organization and the council's
        # body after it
        self.rename(commune, HELD_ON - datetime.timedelta(days=14), "Đảng bộ xã Đông Hưng")
        self.rename(orgs[0], HELD_ON + datetime.timedelta(days=1), "Chi bộ thôn Đông")
        self.rename(self.commission, datetime.date(2025, 5, 1), "Ban Tổ chức (tên mới)")

        table = UnitVersion._meta.db_table
        with CaptureQueriesContext(connection) as queries:
            data = minutes_data(session)
        name_queries = [q["sql"] for q in queries if table in q["sql"]]
        self.assertEqual(len(name_queries), 1, name_queries)

        self.assertEqual(data.parent_issuer, "Ban Tổ chức Trung ương")
        flag_minutes, people_minutes = data.proposals
        self.assertEqual(flag_minutes.unit, "Đảng bộ xã Đông Hưng")
        self.assertEqual([n.name for n in flag_minutes.nominees], before)
        self.assertEqual(
            flag_minutes.conclusion,
            "Hội đồng thông qua, đề nghị khen thưởng: " + "; ".join(before) + ".",
        )
        self.assertEqual(people_minutes.unit, self.province.latest_version.name)
        self.assertEqual([n.name for n in people_minutes.nominees], [self.person(0).full_name])

    def test_a_unit_dissolved_before_the_session_keeps_its_last_name(self):
        org = self.party.orgs[0]
        flag = self.at_council(self.flag, units=[org], unit=self.party.communes[0])
        session = self.session(flag)
        self.rename(org, datetime.date(2025, 1, 1), "Chi bộ thôn Đông")
        registry.dissolve_unit(org, actor=None, effective_date=HELD_ON - datetime.timedelta(days=1))
        [nominee] = minutes_data(session).proposals[0].nominees
        self.assertEqual(nominee.name, "Chi bộ thôn Đông")

"""Checked again when a decision is signed: no second award of the same form and year, and
no award to someone under an exclusion (discipline review, investigation) on that day."""

import datetime

from commendation.models import Award, Exclusion
from commendation.testing import make_party
from commendation.tests.test_decisions import (
    approved,
    issue,
    make_council,
    make_form,
    secretariat,
)
from commendation.tests.test_proposals import use_temporary_media
from core.test import ThiDuaTestCase


class DecisionChecksTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=2)
        cls.person = cls.party.people[0]
        cls.council = make_council(cls.party.province)
        cls.actor = secretariat(cls.council)
        cls.form = make_form()

    def setUp(self):
        use_temporary_media(self)  # the dossiers' tờ trình

    def dossier(self):
        return approved(self.form, self.party.orgs[0], self.council, people=[self.person])

    def test_the_same_form_is_not_awarded_twice_for_one_year(self):
        issue([self.dossier()], actor=self.actor)
        second = self.dossier()
        with self.assertRefused("đã được Bằng khen của Ban Tổ chức Trung ương năm 2025", Award):
            issue([second], actor=self.actor)

    def test_an_exclusion_running_on_the_signing_day_blocks_the_award(self):
        dossier = self.dossier()
        Exclusion.objects.create(
            person=self.person, kind="discipline_review", starts_on=datetime.date(2026, 1, 2)
        )
        with self.assertRefused("Đang xem xét kỷ luật vào ngày ký", Award):
            issue([dossier], actor=self.actor)

"""Titles, forms and eligibility (issue 4 §3): the catalogue of migration 0006 and
services.eligibility, which explains every condition as met, not met or data missing."""

from __future__ import annotations

import datetime
import itertools
import json
from dataclasses import dataclass
from decimal import Decimal as D

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from commendation.models import (
    Award,
    Exclusion,
    Form,
    Initiative,
    Level,
    Person,
    PersonClassification,
    UnitClassification,
)
from commendation.services import eligibility, people
from commendation.services.eligibility import (
    ELIGIBLE,
    INCOMPLETE,
    MET,
    MISSING,
    NOT_ELIGIBLE,
    NOT_MET,
    as_json,
    check,
    form_for,
    from_json,
)
from commendation.services.rules import rule_set_for
from commendation.testing import make_party
from core.exceptions import RuleViolation
from core.test import ThiDuaTestCase
from emulation.testing import make_world
from emulation.tests.test_ranking import finalize_sheets
from organizations.models import Unit
from organizations.services import registry
from organizations.testing import UserFactory, make_unit

EXC, GOOD, DONE, FAIL = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
E = eligibility
_serial = itertools.count(1)


class Maker:
    """Fresh subjects and their records, so that each scenario stands alone."""

    def __init__(self, commune: Unit):
        self.commune = commune

    def unit(self, name: str = "") -> Unit:
        n = next(_serial)
        return make_unit(
            name or f"Chi bộ {n}",
            name=name or f"Chi bộ số {n}",
            parent=self.commune,
            kind_code="grassroots_org",
        )

    def person(self, unit: Unit | None = None, name: str = "") -> Person:
        n = next(_serial)
        return Person.objects.create(
            code=f"T{n:06d}", full_name=name or f"Đảng viên thử {n}", unit=unit
        )

    def rate(self, subject, year: int, level: int, *, exemplary=False, unit=None):
        if isinstance(subject, Person):
            return PersonClassification.objects.create(
                person=subject,
                year=year,
                unit=unit or subject.unit or self.commune,
                level=level,
                exemplary=exemplary,
                rule_set=rule_set_for(year),
            )
        return UnitClassification.objects.create(
            unit=subject, year=year, level=level, exemplary=exemplary, rule_set=rule_set_for(year)
        )

    def award(self, code: str, year: int, subject) -> Award:
        who = {"person": subject} if isinstance(subject, Person) else {"unit": subject}
        return Award.objects.create(
            form=form_for(code, year), year=year, source="Quyết định thử", **who
        )

    def initiative(self, person: Person, scope: str, year: int) -> Initiative:
        return Initiative.objects.create(
            person=person, title=f"Sáng kiến {next(_serial)}", year=year, scope=scope
        )

    def members(self, unit: Unit, year: int, levels: list[int], titles: dict[str, int] = None):
        """People rated in ``unit`` in ``year`` at ``levels``; the first ``titles[code]`` of
        them hold that title in ``year``."""
        people_ = [self.person(unit) for _ in levels]
        for person, level in zip(people_, levels, strict=True):
            self.rate(person, year, level, unit=unit)
        for code, count in (titles or {}).items():
            for person in people_[:count]:
                self.award(code, year, person)
        return people_


@dataclass
class Scenario:
    code: str
    year: int
    label: str
    verdict: str
    statuses: dict[str, str]  # condition code → status expected
    build: object  # (maker, year) → dict of check() arguments


def _person(build_records):
    def build(m: Maker, y: int) -> dict:
        person = m.person(m.unit())
        extra = build_records(m, y, person)
        return {"person": person, **(extra if isinstance(extra, dict) else {})}

    return build


def _unit(build_records):
    def build(m: Maker, y: int) -> dict:
        unit = m.unit()
        extra = build_records(m, y, unit)
        return {"unit": unit, **(extra if isinstance(extra, dict) else {})}

    return build


def _rate_years(m, subject, years, level, **kwargs):
    for year in years:
        m.rate(subject, year, level, **kwargs)


ACTIVE = {"confirmed": ["tich-cuc-thi-dua"]}


def ldtt_scenarios(y):
    code = E.LAO_DONG_TIEN_TIEN
    return [
        Scenario(
            code,
            y,
            "HTTNV and confirmed active",
            ELIGIBLE,
            {"xep-loai": MET, "tich-cuc-thi-dua": MET, "khong-bi-loai-tru": MET},
            _person(lambda m, y, p: (m.rate(p, y, GOOD), ACTIVE)[1]),
        ),
        Scenario(
            code,
            y,
            "HTNV only",
            NOT_ELIGIBLE,
            {"xep-loai": NOT_MET},
            _person(lambda m, y, p: (m.rate(p, y, DONE), ACTIVE)[1]),
        ),
        Scenario(
            code,
            y,
            "no result for the year",
            INCOMPLETE,
            {"xep-loai": MISSING, "tich-cuc-thi-dua": MET},
            _person(lambda m, y, p: ACTIVE),
        ),
    ]


def cstdcs_scenarios(y):
    code = E.CHIEN_SI_THI_DUA_CO_SO

    def met(m, y, p):
        m.rate(p, y, EXC)
        m.award(E.LAO_DONG_TIEN_TIEN, y, p)

    def not_met(m, y, p):
        m.rate(p, y, EXC)  # rated, yet no Lao động tiên tiến in the record

    def missing(m, y, p):
        # LĐTT, but neither HTXSNV nor an initiative: only the research-topic branch is left,
        # and the system has no data on research topics.
        m.rate(p, y, GOOD)
        m.award(E.LAO_DONG_TIEN_TIEN, y, p)

    return [
        Scenario(
            code,
            y,
            "LĐTT and HTXSNV",
            ELIGIBLE,
            {"lao-dong-tien-tien": MET, "thanh-tich": MET},
            _person(met),
        ),
        Scenario(
            code,
            y,
            "no LĐTT",
            NOT_ELIGIBLE,
            {"lao-dong-tien-tien": NOT_MET, "thanh-tich": MET},
            _person(not_met),
        ),
        Scenario(
            code,
            y,
            "LĐTT, HTTNV, no initiative",
            INCOMPLETE,
            {"thanh-tich": MISSING},
            _person(missing),
        ),
    ]


def cstd_tinh_scenarios(y):
    code = E.CHIEN_SI_THI_DUA_TINH

    def records(skip_award=None, skip_rating=None):
        def build(m, y, p):
            for year in range(y - 2, y + 1):
                if year != skip_rating:
                    m.rate(p, year, EXC)
                if year not in (skip_award, skip_rating):
                    m.award(E.CHIEN_SI_THI_DUA_CO_SO, year, p)
            m.initiative(p, "province", y - 1)

        return build

    return [
        Scenario(
            code,
            y,
            "3 CSTĐCS and a provincial initiative",
            ELIGIBLE,
            {"cstd-co-so-3-lan": MET, "sang-kien-cap-tinh": MET},
            _person(records()),
        ),
        Scenario(
            code,
            y,
            "the middle year rated without CSTĐCS",
            NOT_ELIGIBLE,
            {"cstd-co-so-3-lan": NOT_MET, "sang-kien-cap-tinh": MET},
            _person(records(skip_award=y - 1)),
        ),
        Scenario(
            code,
            y,
            "nothing recorded for the middle year",
            INCOMPLETE,
            {"cstd-co-so-3-lan": MISSING},
            _person(records(skip_rating=y - 1)),
        ),
    ]


def cstd_tq_scenarios(y):
    code = E.CHIEN_SI_THI_DUA_TOAN_QUOC

    def records(awards, rated):
        def build(m, y, p):
            for year in rated(y):
                m.rate(p, year, GOOD)
            for year in awards(y):
                m.award(E.CHIEN_SI_THI_DUA_TINH, year, p)
            m.initiative(p, "national", y)

        return build

    six = lambda y: range(y - 5, y + 1)  # noqa: E731
    return [
        Scenario(
            code,
            y,
            "2 provincial titles in 6 years",
            ELIGIBLE,
            {"cstd-tinh-2-lan": MET, "sang-kien-toan-quoc": MET},
            _person(records(lambda y: [y - 3, y], six)),
        ),
        Scenario(
            code,
            y,
            "1 provincial title, every year recorded",
            NOT_ELIGIBLE,
            {"cstd-tinh-2-lan": NOT_MET},
            _person(records(lambda y: [y], six)),
        ),
        Scenario(
            code,
            y,
            "1 provincial title, earlier years not recorded",
            INCOMPLETE,
            {"cstd-tinh-2-lan": MISSING},
            _person(records(lambda y: [y], lambda y: [y])),
        ),
    ]


def ttldtt_scenarios(y):
    code = E.TAP_THE_LAO_DONG_TIEN_TIEN

    def records(holders, rated=True):
        def build(m, y, u):
            if rated:
                m.rate(u, y, GOOD)
            m.members(u, y, [GOOD] * 10, {E.LAO_DONG_TIEN_TIEN: holders})

        return build

    return [
        Scenario(
            code,
            y,
            "6 of 10 LĐTT (above 50 %)",
            ELIGIBLE,
            {"xep-loai": MET, "ty-le-lao-dong-tien-tien": MET},
            _unit(records(6)),
        ),
        Scenario(
            code,
            y,
            "5 of 10 LĐTT (exactly 50 %, not above)",
            NOT_ELIGIBLE,
            {"ty-le-lao-dong-tien-tien": NOT_MET},
            _unit(records(5)),
        ),
        Scenario(
            code,
            y,
            "the unit itself not rated",
            INCOMPLETE,
            {"xep-loai": MISSING, "ty-le-lao-dong-tien-tien": MET},
            _unit(records(6, rated=False)),
        ),
    ]


def ttldxs_scenarios(y):
    code = E.TAP_THE_LAO_DONG_XUAT_SAC

    def records(levels):
        def build(m, y, u):
            m.rate(u, y, EXC)
            if levels:
                m.members(u, y, levels, {E.LAO_DONG_TIEN_TIEN: 7, E.CHIEN_SI_THI_DUA_CO_SO: 1})

        return build

    return [
        Scenario(
            code,
            y,
            "HTXSNV, all complete, 70 % LĐTT, one CSTĐCS",
            ELIGIBLE,
            {
                "htxsnv": MET,
                "hoan-thanh-nhiem-vu": MET,
                "ty-le-lao-dong-tien-tien": MET,
                "co-cstd-co-so": MET,
            },
            _unit(records([GOOD] * 10)),
        ),
        Scenario(
            code,
            y,
            "one member did not complete",
            NOT_ELIGIBLE,
            {"hoan-thanh-nhiem-vu": NOT_MET, "ty-le-lao-dong-tien-tien": MET},
            _unit(records([GOOD] * 9 + [FAIL])),
        ),
        Scenario(
            code,
            y,
            "no member rated in the unit",
            INCOMPLETE,
            {
                "htxsnv": MET,
                "hoan-thanh-nhiem-vu": MISSING,
                "ty-le-lao-dong-tien-tien": MISSING,
                "co-cstd-co-so": MISSING,
            },
            _unit(records([])),
        ),
    ]


def flag_scenarios(code, y):
    """Met only with a finalized cluster ranking: see ClusterRankTests."""

    def excluded(m, y, u):
        Exclusion.objects.create(unit=u, kind="investigation", starts_on=datetime.date(y, 3, 1))

    return [
        Scenario(
            code,
            y,
            "under investigation",
            NOT_ELIGIBLE,
            {"khong-bi-loai-tru": NOT_MET, "dan-dau-cum": MISSING},
            _unit(excluded),
        ),
        Scenario(
            code,
            y,
            "in no cluster that year",
            INCOMPLETE,
            {"dan-dau-cum": MISSING},
            _unit(lambda m, y, u: None),
        ),
    ]


def giay_khen_scenarios(code, y, subject):
    wrap = _person if subject == "person" else _unit
    return [
        Scenario(
            code, y, "HTTNV", ELIGIBLE, {"xep-loai": MET}, wrap(lambda m, y, s: m.rate(s, y, GOOD))
        ),
        Scenario(
            code,
            y,
            "HTNV",
            NOT_ELIGIBLE,
            {"xep-loai": NOT_MET},
            wrap(lambda m, y, s: m.rate(s, y, DONE)),
        ),
        Scenario(
            code, y, "not rated", INCOMPLETE, {"xep-loai": MISSING}, wrap(lambda m, y, s: None)
        ),
    ]


def bk_person_scenarios(y):
    code = E.BANG_KHEN_TINH_CA_NHAN

    def met(m, y, p):
        _rate_years(m, p, [y - 1, y], GOOD)
        m.award(E.CHIEN_SI_THI_DUA_CO_SO, y - 1, p)
        m.award(E.CHIEN_SI_THI_DUA_CO_SO, y, p)

    def not_met(m, y, p):
        _rate_years(m, p, [y - 1, y], GOOD)  # no CSTĐCS; HTTNV, not HTXSNV
        m.initiative(p, "unit", y)

    return [
        Scenario(code, y, "2 consecutive CSTĐCS", ELIGIBLE, {"thanh-tich": MET}, _person(met)),
        Scenario(
            code,
            y,
            "HTTNV both years, no CSTĐCS",
            NOT_ELIGIBLE,
            {"thanh-tich": NOT_MET},
            _person(not_met),
        ),
        Scenario(
            code,
            y,
            "nothing recorded",
            INCOMPLETE,
            {"thanh-tich": MISSING},
            _person(lambda m, y, p: None),
        ),
    ]


def bk_unit_scenarios(y):
    code = E.BANG_KHEN_TINH_TAP_THE
    return [
        Scenario(
            code,
            y,
            "HTXSNV 2 years",
            ELIGIBLE,
            {"thanh-tich": MET},
            _unit(lambda m, y, u: _rate_years(m, u, [y - 1, y], EXC)),
        ),
        Scenario(
            code,
            y,
            "HTTNV 2 years",
            NOT_ELIGIBLE,
            {"thanh-tich": NOT_MET},
            _unit(lambda m, y, u: _rate_years(m, u, [y - 1, y], GOOD)),
        ),
        Scenario(
            code,
            y,
            "the year before not rated",
            INCOMPLETE,
            {"thanh-tich": MISSING},
            _unit(lambda m, y, u: m.rate(u, y, EXC)),
        ),
    ]


def bk_ttg_scenarios(y):
    code = E.BANG_KHEN_THU_TUONG

    def records(low_year=None, skip_year=None, cstdcs=(-4, -2, 0)):
        def build(m, y, p):
            m.rate(p, y - 6, GOOD)
            m.award(E.BANG_KHEN_TINH_CA_NHAN, y - 6, p)
            for year in range(y - 4, y + 1):
                if year != skip_year:
                    m.rate(p, year, DONE if year == low_year else GOOD)
            for offset in cstdcs:
                m.award(E.CHIEN_SI_THI_DUA_CO_SO, y + offset, p)

        return build

    return [
        Scenario(
            code,
            y,
            "bằng khen, 5 years HTTNV, 3 CSTĐCS",
            ELIGIBLE,
            {"bang-khen-tinh": MET, "httnv-5-nam": MET, "cstd-co-so-3-lan": MET},
            _person(records()),
        ),
        Scenario(
            code,
            y,
            "one year HTNV",
            NOT_ELIGIBLE,
            {"httnv-5-nam": NOT_MET},
            _person(records(low_year=y - 2, cstdcs=(-4, -3, 0))),
        ),
        Scenario(
            code,
            y,
            "one year not rated",
            INCOMPLETE,
            {"httnv-5-nam": MISSING, "cstd-co-so-3-lan": MET},
            _person(records(skip_year=y - 3)),
        ),
    ]


def party_scenarios(code, y, subject, years, exemplary):
    wrap = _person if subject == "person" else _unit
    window = list(range(y - years + 1, y + 1))

    def rated(low=None, skip=None):
        def build(m, y, s):
            for year in window:
                if year == skip:
                    continue
                if year == low:
                    # a person: HTTNV; a unit: HTXSNV without "tiêu biểu"
                    m.rate(s, year, EXC if exemplary else GOOD)
                else:
                    m.rate(s, year, EXC, exemplary=exemplary)

        return build

    condition = [c for c in form_for(code, y).conditions if c["type"] == "classification"][0]
    key = condition["code"]
    middle = window[len(window) // 2]
    return [
        Scenario(code, y, "every year at the level", ELIGIBLE, {key: MET}, wrap(rated())),
        Scenario(code, y, f"{middle} below", NOT_ELIGIBLE, {key: NOT_MET}, wrap(rated(low=middle))),
        Scenario(
            code,
            y,
            f"{window[0]} not rated",
            INCOMPLETE,
            {key: MISSING},
            wrap(rated(skip=window[0])),
        ),
    ]


def historical_scenarios():
    """Versions before 2024: kept to record past awards; a check is never a pass."""
    scenarios = []
    for form in Form.objects.filter(valid_to=datetime.date(2023, 12, 31)):
        wrap = _person if form.subject == "person" else _unit
        scenarios.append(
            Scenario(
                form.code,
                2022,
                "conditions before 2024 not catalogued",
                INCOMPLETE,
                {"chua-dua-vao-danh-muc": MISSING},
                wrap(lambda m, y, s: None),
            )
        )
    return scenarios


def all_scenarios():
    table = []
    for y in (2024, 2025):  # Nghị định 98 and Nghị định 152 versions of the voted titles
        table += cstdcs_scenarios(y) + cstd_tinh_scenarios(y) + cstd_tq_scenarios(y)
        table += flag_scenarios(E.CO_THI_DUA_TINH, y) + flag_scenarios(E.CO_THI_DUA_CHINH_PHU, y)
    y = 2024
    table += ldtt_scenarios(y) + ttldtt_scenarios(y) + ttldxs_scenarios(y)
    table += giay_khen_scenarios(E.GIAY_KHEN_TAP_THE, y, "unit")
    table += giay_khen_scenarios(E.GIAY_KHEN_CA_NHAN, y, "person")
    table += bk_person_scenarios(y) + bk_unit_scenarios(y) + bk_ttg_scenarios(y)
    for code in E.PARTY_FORMS:
        form = form_for(code, 2025)
        condition = [c for c in form.conditions if c["type"] == "classification"][0]
        table += party_scenarios(
            code, 2025, form.subject, condition["years"], condition["exemplary"]
        )
    return table + historical_scenarios()


class EligibilityTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=0)
        cls.commune = cls.party.communes[0]

    def setUp(self):
        self.m = Maker(self.commune)

    def statuses(self, result):
        return {r.code: r.status for r in result.results}


class CatalogueTableTests(EligibilityTestCase):
    def test_every_form_of_the_catalogue_is_met_not_met_or_missing_as_derived_by_hand(self):
        table = all_scenarios()
        covered: dict[int, set[str]] = {}
        for scenario in table:
            with self.subTest(form=scenario.code, year=scenario.year, case=scenario.label):
                form = form_for(scenario.code, scenario.year)
                arguments = scenario.build(self.m, scenario.year)
                result = check(form, year=scenario.year, **arguments)
                found = self.statuses(result)
                self.assertEqual(result.verdict, scenario.verdict, result.summary)
                self.assertEqual(
                    {code: found.get(code) for code in scenario.statuses}, scenario.statuses
                )
                for item in result.results:
                    self.assertTrue(item.text and item.citation, item)
                    self.assertIn(item.confidence, ("high", "medium", "unconfirmed"))
                    if item.status != MET or item.code != "khong-bi-loai-tru":
                        self.assertTrue(item.evidence or item.status == MISSING, item)
                covered.setdefault(form.pk, set()).add(result.verdict)
        # The table reaches every row of the catalogue, and every current form (bar the two
        # flags, whose "met" needs a cluster ranking: ClusterRankTests) in all three verdicts.
        forms = {f.pk: f for f in Form.objects.all()}
        self.assertEqual(set(covered), set(forms))
        for pk, verdicts in covered.items():
            form = forms[pk]
            with self.subTest(form=form.code, valid_from=form.valid_from):
                if form.valid_to == datetime.date(2023, 12, 31):
                    self.assertEqual(verdicts, {INCOMPLETE})
                elif form.code in (E.CO_THI_DUA_TINH, E.CO_THI_DUA_CHINH_PHU):
                    self.assertEqual(verdicts, {NOT_ELIGIBLE, INCOMPLETE})
                else:
                    self.assertEqual(verdicts, {ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE})


class CatalogueDataTests(EligibilityTestCase):
    def test_voted_titles_carry_their_thresholds_and_the_152_rows_say_they_are_unconfirmed(self):
        expected = {
            E.CHIEN_SI_THI_DUA_CO_SO: D(80),
            E.CHIEN_SI_THI_DUA_TINH: D(90),
            E.CHIEN_SI_THI_DUA_TOAN_QUOC: D(90),
            E.CO_THI_DUA_TINH: D(80),
            E.CO_THI_DUA_CHINH_PHU: D(80),
        }
        for code, threshold in expected.items():
            with self.subTest(code=code):
                under_98 = form_for(code, 2024)
                under_152 = form_for(code, 2025)
                self.assertNotEqual(under_98.pk, under_152.pk)
                self.assertEqual(
                    (under_98.valid_from, under_98.valid_to),
                    (datetime.date(2024, 1, 1), datetime.date(2025, 6, 30)),
                )
                self.assertEqual(
                    (under_152.valid_from, under_152.valid_to), (datetime.date(2025, 7, 1), None)
                )
                for form in (under_98, under_152):
                    self.assertTrue(form.council_vote)
                    self.assertEqual(form.vote_threshold, threshold)
                self.assertIn("Nghị định 98/2023", under_98.citation)
                self.assertIn(under_98.confidence, ("high", "medium"))
                self.assertEqual(under_152.confidence, "unconfirmed")
                self.assertIn("Nghị định 152/2025", under_152.citation)
                self.assertIn("chưa xác nhận", under_152.citation)
        self.assertEqual(form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024).confidence, "high")
        self.assertEqual(form_for(E.CO_THI_DUA_TINH, 2024).confidence, "medium")
        for code in (E.LAO_DONG_TIEN_TIEN, E.GIAY_KHEN_CA_NHAN, E.BANG_KHEN_THU_TUONG):
            self.assertFalse(form_for(code, 2024).council_vote)
            self.assertIsNone(form_for(code, 2024).vote_threshold)

    def test_confidence_is_as_rules_md_says_and_unconfirmed_defaults_are_labelled(self):
        expected = {
            E.LAO_DONG_TIEN_TIEN: "high",
            E.TAP_THE_LAO_DONG_XUAT_SAC: "high",
            E.TAP_THE_LAO_DONG_TIEN_TIEN: "unconfirmed",
            E.GIAY_KHEN_CA_NHAN: "unconfirmed",
            E.GIAY_KHEN_TAP_THE: "unconfirmed",
            E.BANG_KHEN_TINH_CA_NHAN: "medium",
            E.BANG_KHEN_TINH_TAP_THE: "medium",
            E.BANG_KHEN_THU_TUONG: "medium",
        }
        for code, confidence in expected.items():
            form = form_for(code, 2024)
            self.assertEqual(form.confidence, confidence, code)
            self.assertEqual(form.valid_from, datetime.date(2024, 1, 1))
            self.assertIn("06/2022/QH15", form.citation)
            if confidence == "unconfirmed":
                self.assertIn("chưa xác nhận", form.citation)
        for code in E.PARTY_FORMS:
            form = form_for(code, 2025)
            self.assertEqual(
                (form.valid_from, form.confidence, form.citation),
                (datetime.date(2025, 6, 9), "high", "Hướng dẫn 06-HD/TW, mục 19"),
            )

    def test_certificate_titles(self):
        self.assertEqual(form_for(E.GIAY_KHEN_CA_NHAN, 2024).certificate_title, "GIẤY KHEN")
        self.assertEqual(form_for(E.BANG_KHEN_THU_TUONG, 2024).certificate_title, "BẰNG KHEN")
        self.assertEqual(form_for(E.CO_THI_DUA_TINH, 2024).certificate_title, "CỜ THI ĐUA")
        self.assertEqual(
            form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2025).certificate_title, "CHIẾN SĨ THI ĐUA CƠ SỞ"
        )
        self.assertFalse(Form.objects.filter(certificate_title="").exists())

    def test_the_catalogue_migration_can_be_reversed_and_applied_again(self):
        from importlib import import_module

        from django.apps import apps

        catalogue = import_module("commendation.migrations.0006_form_catalogue")
        count = Form.objects.count()
        self.assertEqual(count, len(catalogue.rows()))
        catalogue.unload(apps, None)
        self.assertEqual(Form.objects.count(), 0)
        catalogue.load(apps, None)
        self.assertEqual(Form.objects.count(), count)


class FormForTests(EligibilityTestCase):
    def test_the_version_in_force_on_31_december_is_chosen(self):
        self.assertEqual(
            form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024).valid_to, datetime.date(2025, 6, 30)
        )
        self.assertEqual(
            form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2025).valid_from, datetime.date(2025, 7, 1)
        )
        self.assertEqual(
            form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2020).valid_to, datetime.date(2023, 12, 31)
        )

    def test_a_form_valid_only_from_2025_is_not_found_for_2023(self):
        with self.assertRaises(RuleViolation) as caught:
            form_for("dang-giay-khen-chi-bo", 2023)
        self.assertIn("không có phiên bản nào có hiệu lực năm 2023", caught.exception.message)
        self.assertIn("(hiệu lực: từ 09/06/2025)", caught.exception.message)
        with self.assertRaises(RuleViolation):
            form_for("khong-co-ma-nay", 2024)
        with self.assertRaises(RuleViolation) as caught:
            form_for(E.LAO_DONG_TIEN_TIEN, 2003)
        self.assertIn(
            "(hiệu lực: từ 01/07/2004 đến 31/12/2023; từ 01/01/2024)", caught.exception.message
        )

    def test_check_refuses_a_version_not_in_force_that_year_or_the_wrong_subject(self):
        person = self.m.person(self.m.unit())
        with self.assertRaises(RuleViolation) as caught:
            check(form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024), year=2025, person=person)
        self.assertIn("không áp dụng cho năm 2025", caught.exception.message)
        with self.assertRaises(RuleViolation):
            check(form_for(E.TAP_THE_LAO_DONG_XUAT_SAC, 2024), year=2024, person=person)
        with self.assertRaises(RuleViolation):
            check(form_for(E.LAO_DONG_TIEN_TIEN, 2024), year=2024)


class ConditionTests(EligibilityTestCase):
    def test_a_missing_year_is_named_and_a_lower_year_elsewhere_in_the_window_wins(self):
        form = form_for("dang-giay-khen-dang-vien-5-nam", 2025)
        person = self.m.person(self.m.unit())
        for year in (2021, 2022, 2024, 2025):
            self.m.rate(person, year, EXC)
        result = check(form, year=2025, person=person)
        first = result.results[0]
        self.assertEqual((result.verdict, first.status), (INCOMPLETE, MISSING))
        self.assertIn("thiếu dữ liệu năm 2023", first.text)
        self.assertIn("2023: thiếu dữ liệu — chưa có kết quả xếp loại", "\n".join(first.evidence))
        self.assertIn(
            "2021: Hoàn thành xuất sắc nhiệm vụ (Quy định 132-QĐ/TW)", "\n".join(first.evidence)
        )
        self.assertIn(
            "2024: Hoàn thành xuất sắc nhiệm vụ (Quy định 124-QĐ/TW)", "\n".join(first.evidence)
        )
        # 2021 HTNV: before the missing year, yet it settles the matter
        PersonClassification.objects.filter(person=person, year=2021).update(level=DONE)
        result = check(form, year=2025, person=person)
        self.assertEqual((result.verdict, result.results[0].status), (NOT_ELIGIBLE, NOT_MET))
        self.assertIn("không đạt năm 2021", result.results[0].text)

    def test_lao_dong_tien_tien_waits_for_the_confirmation_of_active_participation(self):
        """RULES.md: rated HTTNV or better AND active in emulation. The system holds no data
        on the second, so without a confirmation the verdict is incomplete, not eligible."""
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2024, GOOD)
        form = form_for(E.LAO_DONG_TIEN_TIEN, 2024)
        result = check(form, year=2024, person=person)
        self.assertEqual(result.verdict, INCOMPLETE)
        self.assertEqual(self.statuses(result)["tich-cuc-thi-dua"], MISSING)
        confirmed = check(form, year=2024, person=person, confirmed=["tich-cuc-thi-dua"])
        self.assertEqual(confirmed.verdict, ELIGIBLE)

    def test_the_research_topic_branch_is_missing_never_a_silent_pass(self):
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2024, GOOD)
        self.m.award(E.LAO_DONG_TIEN_TIEN, 2024, person)
        form = form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024)
        achievement = check(form, year=2024, person=person).results[1]
        self.assertEqual(achievement.status, MISSING)
        evidence = "\n".join(achievement.evidence)
        self.assertIn("Thiếu dữ liệu — Có đề tài khoa học được nghiệm thu", evidence)
        self.assertIn("Không đạt — Xếp loại Hoàn thành xuất sắc nhiệm vụ năm 2024", evidence)
        self.assertIn("Không đạt — Có 1 sáng kiến phạm vi cơ sở trở lên", evidence)
        # an initiative at any scope is enough for the cơ sở level
        self.m.initiative(person, "province", 2024)
        self.assertEqual(check(form, year=2024, person=person).verdict, ELIGIBLE)

    def test_a_revoked_title_does_not_count(self):
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2024, EXC)
        held = self.m.award(E.LAO_DONG_TIEN_TIEN, 2024, person)
        form = form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024)
        self.assertEqual(check(form, year=2024, person=person).verdict, ELIGIBLE)
        people.revoke_award(held, reason="Phát hiện sai sót hồ sơ", actor=None)
        result = check(form, year=2024, person=person)
        self.assertEqual(self.statuses(result)["lao-dong-tien-tien"], NOT_MET)

    def test_an_exclusion_active_during_the_year_fails_the_check(self):
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2024, GOOD)
        form = form_for(E.GIAY_KHEN_CA_NHAN, 2024)
        # ended before the year, and begun after it: neither counts
        Exclusion.objects.create(
            person=person,
            kind="discipline_review",
            starts_on=datetime.date(2023, 2, 1),
            ends_on=datetime.date(2023, 12, 31),
        )
        Exclusion.objects.create(
            person=person, kind="investigation", starts_on=datetime.date(2025, 1, 1)
        )
        self.assertEqual(check(form, year=2024, person=person).verdict, ELIGIBLE)
        Exclusion.objects.create(
            person=person,
            kind="discipline_review",
            starts_on=datetime.date(2024, 12, 31),
            note="Đơn thư phản ánh",
        )
        result = check(form, year=2024, person=person)
        self.assertEqual(result.verdict, NOT_ELIGIBLE)
        exclusion = result.results[-1]
        self.assertEqual((exclusion.code, exclusion.status), ("khong-bi-loai-tru", NOT_MET))
        self.assertEqual(
            exclusion.evidence,
            ["Đang xem xét kỷ luật từ ngày 31/12/2024 đến nay: Đơn thư phản ánh."],
        )
        self.assertIn("không đủ điều kiện", result.summary)

    def test_a_unit_under_exclusion_fails_too(self):
        unit = self.m.unit()
        self.m.rate(unit, 2024, GOOD)
        Exclusion.objects.create(
            unit=unit,
            kind="disciplined",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 1),
        )
        result = check(form_for(E.GIAY_KHEN_TAP_THE, 2024), year=2024, unit=unit)
        self.assertEqual(self.statuses(result)["khong-bi-loai-tru"], NOT_MET)
        self.assertIn(
            "Bị kỷ luật từ ngày 01/05/2024 đến ngày 01/06/2024", result.results[-1].evidence[0]
        )

    def test_an_unknown_condition_type_or_no_condition_at_all_is_missing(self):
        person = self.m.person(self.m.unit())
        form = form_for(E.GIAY_KHEN_CA_NHAN, 2024)
        form.conditions = [{"code": "la", "type": "khong-ro"}]  # in memory only
        result = check(form, year=2024, person=person)
        self.assertEqual((result.verdict, result.results[0].status), (INCOMPLETE, MISSING))
        form.conditions = []
        result = check(form, year=2024, person=person)
        self.assertEqual((result.verdict, result.results[0].status), (INCOMPLETE, MISSING))

    def test_the_summary_names_the_vote_and_the_unconfirmed_rules(self):
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2025, EXC)
        self.m.award(E.LAO_DONG_TIEN_TIEN, 2025, person)
        result = check(form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2025), year=2025, person=person)
        self.assertEqual(result.verdict, ELIGIBLE)
        self.assertIn("đủ điều kiện “Chiến sĩ thi đua cơ sở” năm 2025", result.summary)
        self.assertIn("đạt từ 80% tổng số thành viên", result.summary)
        self.assertIn("chưa xác nhận", result.summary)  # the 152 threshold


class ChienSiThiDuaTinhTests(EligibilityTestCase):
    """RULES.md: Chiến sĩ thi đua cấp bộ/tỉnh needs 3 consecutive Chiến sĩ thi đua cơ sở and
    an initiative applied at that level, each initiative counting for one title only."""

    def setUp(self):
        super().setUp()
        self.officer = UserFactory(username="hoso")
        self.person = self.m.person(self.m.unit(), name="Nguyễn Thị Hoa")
        for year in (2022, 2023, 2024):
            self.m.rate(self.person, year, EXC)
        # 2022 and 2023 recorded from the past (the Law of 2003 versions), 2024 under 98
        for year in (2022, 2023, 2024):
            people.record_award(
                form_for(E.CHIEN_SI_THI_DUA_CO_SO, year),
                year,
                person=self.person,
                actor=self.officer,
                source=f"Quyết định số {year}-QĐ/BTCTU",
            )
        self.form = form_for(E.CHIEN_SI_THI_DUA_TINH, 2024)

    def test_three_consecutive_titles_and_a_provincial_initiative_are_eligible(self):
        initiative = people.record_initiative(
            self.person,
            title="Số hóa hồ sơ đảng viên",
            year=2023,
            scope="province",
            actor=self.officer,
            recognized_by="Hội đồng sáng kiến tỉnh",
        )
        result = check(self.form, year=2024, person=self.person, initiatives=[initiative])
        self.assertEqual(result.verdict, ELIGIBLE, result.summary)
        titles, initiative_result, _ = result.results
        self.assertEqual(
            titles.evidence,
            [
                "2022: Chiến sĩ thi đua cơ sở — nguồn: Quyết định số 2022-QĐ/BTCTU",
                "2023: Chiến sĩ thi đua cơ sở — nguồn: Quyết định số 2023-QĐ/BTCTU",
                "2024: Chiến sĩ thi đua cơ sở — nguồn: Quyết định số 2024-QĐ/BTCTU",
            ],
        )
        self.assertIn("03 lần liên tục", titles.citation)
        self.assertEqual(
            initiative_result.evidence,
            [
                "Sáng kiến đề nghị xét: Sáng kiến “Số hóa hồ sơ đảng viên” (phạm vi cấp bộ, "
                "tỉnh, công nhận năm 2023, Hội đồng sáng kiến tỉnh): được tính."
            ],
        )
        # Without a dossier the person's unused initiative is counted, and the result says
        # the dossier must cite it.
        standalone = check(self.form, year=2024, person=self.person).results[1]
        self.assertEqual(standalone.status, MET)
        self.assertIn("hồ sơ đề nghị phải nêu 1 sáng kiến dùng để xét", standalone.text)

    def test_a_unit_level_initiative_is_not_enough(self):
        self.m.initiative(self.person, "unit", 2024)
        result = check(self.form, year=2024, person=self.person)
        self.assertEqual(self.statuses(result)["sang-kien-cap-tinh"], NOT_MET)
        self.assertIn("phạm vi hẹp hơn yêu cầu", result.results[1].evidence[0])

    def test_a_revoked_middle_title_breaks_the_three(self):
        self.m.initiative(self.person, "province", 2024)
        middle = Award.objects.get(person=self.person, year=2023)
        people.revoke_award(middle, reason="Sai đối tượng", actor=self.officer)
        result = check(self.form, year=2024, person=self.person)
        self.assertEqual(self.statuses(result)["cstd-co-so-3-lan"], NOT_MET)
        self.assertIn("chưa có năm 2023", result.results[0].text)

    def test_an_initiative_used_once_cannot_be_used_again(self):
        initiative = self.m.initiative(self.person, "province", 2024)
        self.assertEqual(
            check(self.form, year=2024, person=self.person, initiatives=[initiative]).verdict,
            ELIGIBLE,
        )
        people.record_award(
            form_for(E.BANG_KHEN_TINH_CA_NHAN, 2024),
            2024,
            person=self.person,
            actor=self.officer,
            source="Quyết định số 7-QĐ/UBND",
            initiatives=[initiative],
        )
        result = check(self.form, year=2024, person=self.person, initiatives=[initiative])
        self.assertEqual(result.verdict, NOT_ELIGIBLE)
        used = result.results[1]
        self.assertEqual(used.status, NOT_MET)
        self.assertIn("đã dùng cho “Bằng khen cấp bộ, tỉnh (cá nhân)” năm 2024", used.text)
        self.assertIn("mỗi sáng kiến chỉ dùng", used.text)
        # and without naming it, the used initiative is not counted either
        self.assertEqual(check(self.form, year=2024, person=self.person).results[1].status, NOT_MET)

    def test_another_persons_initiative_does_not_count(self):
        other = self.m.person(self.m.unit())
        theirs = self.m.initiative(other, "province", 2024)
        result = check(self.form, year=2024, person=self.person, initiatives=[theirs])
        self.assertEqual(self.statuses(result)["sang-kien-cap-tinh"], NOT_MET)
        self.assertIn("không phải của Nguyễn Thị Hoa", result.results[1].text)


class BangKhenTwoInitiativesTests(EligibilityTestCase):
    """The catalogue's "Bằng khen cấp bộ, tỉnh (cá nhân)": 2 consecutive years HTXSNV and 2
    initiatives. Hoa has A (used by an award), B and C: for a dossier only what it cites
    counts, so citing C alone is not enough even though B is unused."""

    def setUp(self):
        super().setUp()
        self.person = self.m.person(self.m.unit(), name="Nguyễn Thị Hoa")
        for year in (2023, 2024):
            self.m.rate(self.person, year, EXC)
        self.a = self.m.initiative(self.person, "unit", 2022)
        self.a.award = self.m.award(E.LAO_DONG_TIEN_TIEN, 2023, self.person)
        self.a.save(update_fields=["award"])
        self.b = self.m.initiative(self.person, "unit", 2023)
        self.c = self.m.initiative(self.person, "province", 2024)
        self.form = form_for(E.BANG_KHEN_TINH_CA_NHAN, 2024)

    def branch(self, result) -> str:
        """The outcome of the "2 năm HTXSNV và 2 sáng kiến" branch."""
        (thanh_tich, _) = result.results
        return next(line for line in thanh_tich.evidence if " — Có 2 sáng kiến phạm vi" in line)

    def test_citing_one_of_two_unused_initiatives_is_not_eligible(self):
        result = check(self.form, year=2024, person=self.person, initiatives=[self.c])
        self.assertEqual(result.verdict, NOT_ELIGIBLE, result.summary)
        self.assertIn("hồ sơ đề nghị chỉ nêu 1 sáng kiến, cần 2", self.branch(result))

    def test_citing_two_unused_initiatives_is_eligible(self):
        result = check(self.form, year=2024, person=self.person, initiatives=[self.b, self.c])
        self.assertEqual(result.verdict, ELIGIBLE, result.summary)
        self.assertIn("đạt (2 sáng kiến hồ sơ nêu)", self.branch(result))

    def test_citing_the_used_one_is_not_eligible(self):
        result = check(self.form, year=2024, person=self.person, initiatives=[self.a, self.c])
        self.assertEqual(result.verdict, NOT_ELIGIBLE, result.summary)
        self.assertIn("đã dùng cho “Lao động tiên tiến” năm 2023", self.branch(result))

    def test_the_standalone_check_counts_the_two_unused_ones_and_asks_the_dossier_to_cite_them(
        self,
    ):
        result = check(self.form, year=2024, person=self.person)
        self.assertEqual(result.verdict, ELIGIBLE, result.summary)
        self.assertIn("hồ sơ đề nghị phải nêu 2 sáng kiến dùng để xét", self.branch(result))


class MemberShareCase(EligibilityTestCase):
    """Tập thể lao động xuất sắc: HTXSNV; 100 % of members complete their tasks; ≥ 70 % hold
    Lao động tiên tiến; at least one Chiến sĩ thi đua cơ sở."""

    def setUp(self):
        super().setUp()
        self.unit = self.m.unit("Chi bộ Cơ quan")
        self.m.rate(self.unit, 2024, EXC)
        self.form = form_for(E.TAP_THE_LAO_DONG_XUAT_SAC, 2024)

    def populate(self, count, holders):
        Person.objects.bulk_create(
            Person(code=f"CQ{i:05d}", full_name=f"Cán bộ {i}", unit=self.unit) for i in range(count)
        )
        members = list(Person.objects.filter(code__startswith="CQ").order_by("code"))
        rule_set = rule_set_for(2024)
        PersonClassification.objects.bulk_create(
            PersonClassification(person=p, year=2024, unit=self.unit, level=GOOD, rule_set=rule_set)
            for p in members
        )
        self.give(members[:holders], E.LAO_DONG_TIEN_TIEN)
        self.give(members[:1], E.CHIEN_SI_THI_DUA_CO_SO)
        return members

    def give(self, members, code):
        form = form_for(code, 2024)
        Award.objects.bulk_create(
            Award(form=form, year=2024, person=p, source="Quyết định thử") for p in members
        )


class MemberShareTests(MemberShareCase):
    def test_69_9_percent_fails_and_70_percent_passes(self):
        """699 of 1.000 is 69,9 %."""
        members = self.populate(1000, 699)
        result = check(self.form, year=2024, unit=self.unit)
        share = next(r for r in result.results if r.code == "ty-le-lao-dong-tien-tien")
        self.assertEqual((result.verdict, share.status), (NOT_ELIGIBLE, NOT_MET))
        self.assertIn("699/1.000", share.evidence[0])
        self.assertIn("(69,90%)", share.evidence[0])
        self.give([members[699]], E.LAO_DONG_TIEN_TIEN)
        result = check(self.form, year=2024, unit=self.unit)
        self.assertEqual(result.verdict, ELIGIBLE, result.summary)
        share = next(r for r in result.results if r.code == "ty-le-lao-dong-tien-tien")
        self.assertIn("700/1.000", share.evidence[0])
        self.assertIn("(70,00%)", share.evidence[0])

    def test_a_member_of_another_unit_or_year_does_not_count(self):
        self.populate(10, 7)
        other_unit = self.m.unit()
        outsider = self.m.person(other_unit)
        self.m.rate(outsider, 2024, FAIL, unit=other_unit)
        self.assertEqual(check(self.form, year=2024, unit=self.unit).verdict, ELIGIBLE)
        # a title of 2023 is not a title of 2024: 6 of 10 left
        first = Award.objects.filter(form__code=E.LAO_DONG_TIEN_TIEN).order_by("pk").first()
        Award.objects.filter(pk=first.pk).update(year=2023)
        result = check(self.form, year=2024, unit=self.unit)
        self.assertEqual(self.statuses(result)["ty-le-lao-dong-tien-tien"], NOT_MET)
        self.assertIn("6/10", result.results[2].evidence[0])

    def test_one_member_not_completing_fails_and_is_named(self):
        members = self.populate(10, 7)
        PersonClassification.objects.filter(person=members[9]).update(level=FAIL)
        result = check(self.form, year=2024, unit=self.unit)
        complete = next(r for r in result.results if r.code == "hoan-thanh-nhiem-vu")
        self.assertEqual(complete.status, NOT_MET)
        self.assertEqual(complete.evidence[1], f"Chưa đạt: Cán bộ 9 ({members[9].code}).")

    def test_no_cstd_co_so_among_members_fails(self):
        self.populate(10, 7)
        Award.objects.filter(form__code=E.CHIEN_SI_THI_DUA_CO_SO).delete()
        result = check(self.form, year=2024, unit=self.unit)
        self.assertEqual(self.statuses(result)["co-cstd-co-so"], NOT_MET)

    def test_the_member_conditions_take_the_same_queries_for_10_or_300_members(self):
        def queries(unit):
            with CaptureQueriesContext(connection) as captured:
                check(self.form, year=2024, unit=unit)
            return len(captured)

        self.populate(10, 7)
        small = queries(self.unit)
        big_unit = self.m.unit()
        self.m.rate(big_unit, 2024, EXC)
        self.m.members(big_unit, 2024, [GOOD] * 300, {E.LAO_DONG_TIEN_TIEN: 210})
        Award.objects.create(
            form=form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024),
            year=2024,
            person=PersonClassification.objects.filter(unit=big_unit).first().person,
            source="Quyết định thử",
        )
        self.assertEqual(check(self.form, year=2024, unit=big_unit).verdict, ELIGIBLE)
        self.assertEqual(queries(big_unit), small)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ClusterRankTests(ThiDuaTestCase):
    """Cờ thi đua goes to the unit leading its cluster. The emulation world of
    emulation.testing is the year 2021; the catalogue's flags are in force from 2024, so the
    checks below apply each flag's catalogue conditions through an in-memory copy of the form
    valid from 2021 (nothing is saved)."""

    def setUp(self):
        self.world = make_world()
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            self.world.cast.members
        )

    def flag(self, code=E.CO_THI_DUA_TINH):
        form = form_for(code, 2024)
        form.valid_from = datetime.date(2021, 1, 1)
        return form

    def rank_of(self, unit, code=E.CO_THI_DUA_TINH):
        return check(self.flag(code), year=2021, unit=unit)

    def test_the_leading_unit_passes_and_the_second_fails(self):
        # Quảng Ninh 100; Hải Phòng and Thái Bình 95; Bắc Ninh 90; Ninh Bình 85
        finalize_sheets(
            self.world,
            {
                self.thai_binh: {"2.1": D(20)},
                self.hai_phong: {"2.1": D(20)},
                self.bac_ninh: {"2.1": D(15)},
                self.ninh_binh: {"2.1": D(10)},
            },
        )
        for code in (E.CO_THI_DUA_TINH, E.CO_THI_DUA_CHINH_PHU):
            with self.subTest(code=code):
                leader = self.rank_of(self.quang_ninh, code)
                self.assertEqual(leader.verdict, ELIGIBLE, leader.summary)
                self.assertEqual(
                    leader.results[0].evidence[0],
                    "Thi đua năm 2021 – Cụm 2 (Tổng kết năm): hạng 1/5, 100,00% số điểm tối "
                    "đa áp dụng (100/100 điểm)",
                )
        second = self.rank_of(self.thai_binh)
        self.assertEqual(second.verdict, NOT_ELIGIBLE)
        self.assertEqual(second.results[0].status, NOT_MET)
        self.assertIn("xếp thứ 2; dẫn đầu: Quảng Ninh", second.results[0].text)

    def test_a_shared_first_rank_is_reported_for_the_cluster_to_decide(self):
        # Quảng Ninh and Thái Bình both 95, no deduction, 60 in group 1: rank 1 shared
        finalize_sheets(
            self.world,
            {
                self.quang_ninh: {"2.1": D(20)},
                self.thai_binh: {"2.1": D(20)},
                self.hai_phong: {"2.1": D(10)},
                self.bac_ninh: {"2.1": D(10)},
                self.ninh_binh: {"2.1": D(10)},
            },
        )
        result = self.rank_of(self.quang_ninh)
        self.assertEqual(result.verdict, INCOMPLETE)
        self.assertEqual(result.results[0].status, MISSING)
        self.assertIn("đồng hạng 1 với Thái Bình", result.results[0].text)
        self.assertIn("cụm cần bình xét", result.results[0].text)

    def test_sheets_not_yet_final_leave_the_rank_missing(self):
        finalize_sheets(self.world, units=[self.quang_ninh])
        result = self.rank_of(self.quang_ninh)
        self.assertEqual(result.results[0].status, MISSING)
        self.assertIn("còn 4 bảng điểm chưa chốt", result.results[0].text)

    def test_a_unit_outside_any_cluster_that_year_is_missing(self):
        result = self.rank_of(self.world.cast.outsider_unit)
        self.assertEqual(result.results[0].status, MISSING)
        self.assertIn("không có kết quả thi đua năm 2021", result.results[0].text)


class PartyMergeTests(EligibilityTestCase):
    """Two grassroots party organizations merge on 01/07/2025 into a new one. The Party
    forms on "HTXSNV tiêu biểu 5 năm liền" count the years before the merger by the streak
    policy (default: a year counts only when every predecessor had it) and say which years
    came from which unit."""

    def setUp(self):
        super().setUp()
        commune = self.commune
        self.an_lao = make_unit(
            "An Lão", name="Đảng bộ xã An Lão", parent=commune, kind_code="grassroots_org"
        )
        self.an_tien = make_unit(
            "An Tiến", name="Đảng bộ xã An Tiến", parent=commune, kind_code="grassroots_org"
        )
        registry.merge_units(
            [self.an_lao, self.an_tien],
            actor=None,
            effective_date=datetime.date(2025, 7, 1),
            new_unit=registry.NewUnit(
                code="AL-2025",
                name="Đảng bộ xã An Lão (mới)",
                short_name="An Lão (mới)",
                kind=self.an_lao.kind,
                parent=commune,
            ),
        )
        self.merged = Unit.objects.get(code="AL-2025")
        for year in range(2021, 2025):
            self.m.rate(self.an_lao, year, EXC, exemplary=True)
            self.m.rate(self.an_tien, year, EXC, exemplary=True)
        self.m.rate(self.merged, 2025, EXC, exemplary=True)
        self.form = form_for("dang-bang-khen-to-chuc-co-so-5-nam", 2025)

    def test_years_before_the_merger_count_when_every_predecessor_had_them(self):
        result = check(self.form, year=2025, unit=self.merged)
        self.assertEqual(result.verdict, ELIGIBLE, result.summary)
        streak = result.results[0]
        self.assertEqual(streak.status, MET)
        self.assertEqual(len(streak.evidence), 6)
        before = "từ Đảng bộ xã An Lão và Đảng bộ xã An Tiến trước hợp nhất"
        rule = {2021: "132-QĐ/TW", 2022: "132-QĐ/TW", 2023: "124-QĐ/TW", 2024: "124-QĐ/TW"}
        for index, year in enumerate(range(2021, 2025)):
            self.assertEqual(
                streak.evidence[index],
                f"{year}: Hoàn thành xuất sắc nhiệm vụ tiêu biểu (Quy định {rule[year]}) — "
                f"{before}",
            )
        self.assertEqual(
            streak.evidence[4],
            "2025: Hoàn thành xuất sắc nhiệm vụ tiêu biểu (Quy định 366-QĐ/TW) — của chính đơn vị",
        )
        self.assertIn("mọi đơn vị tiền thân đều đạt (mặc định)", streak.evidence[5])
        self.assertEqual(
            streak.text,
            "Xếp loại Hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền (2021–2025) — đạt",
        )

    def test_one_predecessor_not_exemplary_breaks_it_and_is_named(self):
        UnitClassification.objects.filter(unit=self.an_tien, year=2022).update(exemplary=False)
        result = check(self.form, year=2025, unit=self.merged)
        self.assertEqual(result.verdict, NOT_ELIGIBLE)
        evidence = "\n".join(result.results[0].evidence)
        self.assertIn(
            "2022: không đạt mức (Đảng bộ xã An Tiến: HTXSNV nhưng không tiêu biểu", evidence
        )
        self.assertIn("2023: Hoàn thành xuất sắc nhiệm vụ tiêu biểu", evidence)

    def test_the_policy_is_data_of_the_condition(self):
        self.form.conditions[0]["policy"] = "own_only"  # in memory: the catalogue is editable
        result = check(self.form, year=2025, unit=self.merged)
        self.assertEqual(result.results[0].status, NOT_MET)
        self.assertIn("năm 2024 là năm của", "\n".join(result.results[0].evidence))

    def test_the_yearly_form_for_2025_is_the_merged_units_own_year(self):
        form = form_for("dang-giay-khen-to-chuc-co-so", 2025)
        self.assertEqual(check(form, year=2025, unit=self.merged).verdict, ELIGIBLE)


class JsonTests(EligibilityTestCase):
    def test_the_result_round_trips_through_json(self):
        person = self.m.person(self.m.unit())
        self.m.rate(person, 2024, GOOD)
        self.m.award(E.LAO_DONG_TIEN_TIEN, 2024, person)
        result = check(form_for(E.CHIEN_SI_THI_DUA_CO_SO, 2024), year=2024, person=person)
        self.assertEqual(result.verdict, INCOMPLETE)
        stored = json.loads(json.dumps(as_json(result)))
        self.assertEqual(stored["verdict"], "incomplete")
        self.assertEqual(
            [r["status"] for r in stored["results"]], [r.status for r in result.results]
        )
        self.assertEqual(stored["form"]["code"], E.CHIEN_SI_THI_DUA_CO_SO)
        self.assertEqual(from_json(stored), result)


class UnratedMemberTests(MemberShareCase):
    """People recorded in the unit with no result of the year are never left out silently."""

    def add_unrated(self, count):
        Person.objects.bulk_create(
            Person(code=f"MOI{i:03d}", full_name=f"Người chưa xếp loại {i}", unit=self.unit)
            for i in range(count)
        )

    def share_of(self, result):
        return next(r for r in result.results if r.code == "ty-le-lao-dong-tien-tien")

    def test_unrated_members_who_could_change_the_outcome_make_it_missing_and_are_named(self):
        self.populate(10, 7)  # 7/10 hold the title: 70 %
        self.add_unrated(1)  # 7/11 would be 63,6 %; 8/11 would be 72,7 %
        share = self.share_of(check(self.form, year=2024, unit=self.unit))
        self.assertEqual(share.status, MISSING)
        self.assertIn("1 người đang sinh hoạt tại", share.text)
        self.assertIn("Người chưa xếp loại 0 (MOI000)", share.evidence[1])

    def test_unrated_members_who_cannot_change_the_outcome_are_only_mentioned(self):
        self.populate(10, 9)  # 9/10; with one more not holding it 9/11 = 81,8 %: still met
        self.add_unrated(1)
        share = self.share_of(check(self.form, year=2024, unit=self.unit))
        self.assertEqual(share.status, MET)
        self.assertIn("tính hay không tính họ, kết quả vẫn như vậy", share.evidence[-1])
        Award.objects.filter(form__code=E.LAO_DONG_TIEN_TIEN).delete()  # 0/10: fails anyway
        share = self.share_of(check(self.form, year=2024, unit=self.unit))
        self.assertEqual(share.status, NOT_MET)

    def test_a_member_rated_in_another_unit_that_year_is_not_unrated(self):
        self.populate(10, 7)
        moved = self.m.person(self.unit)  # belongs here now, rated elsewhere in 2024
        self.m.rate(moved, 2024, GOOD, unit=self.m.unit())
        self.assertEqual(self.share_of(check(self.form, year=2024, unit=self.unit)).status, MET)

"""The person registry (hồ sơ thành tích): awards recorded from the past, initiatives,
revocation that never deletes, and the dossier of one person over the years."""

import datetime
import unicodedata
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from commendation.models import Award, Exclusion, Initiative, Level, Person
from commendation.services import people, proposals
from commendation.services.eligibility import (
    CHIEN_SI_THI_DUA_CO_SO,
    GIAY_KHEN_TAP_THE,
    LAO_DONG_TIEN_TIEN,
    form_for,
)
from commendation.testing import classify, make_party
from core import audit
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations.services import registry
from organizations.testing import UserFactory, make_unit

NOW = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
EXC, GOOD = Level.EXCELLENT, Level.GOOD


@time_machine.travel(NOW, tick=False)
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PeopleTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=2, members_per_org=1)
        cls.first_cell, cls.second_cell = cls.party.orgs
        cls.person = cls.party.members[cls.first_cell.pk][0]
        cls.other = cls.party.members[cls.second_cell.pk][0]
        cls.officer = UserFactory(username="thiduakhenthuong")

    def record(self, code, year, *, person=None, source="Quyết định số 15-QĐ/ĐU", **kwargs):
        return people.record_award(
            form_for(code, year),
            year,
            person=person or self.person,
            actor=self.officer,
            source=source,
            **kwargs,
        )

    def initiative(self, person=None, *, year=2023, scope="province", title="Số hóa hồ sơ"):
        return people.record_initiative(
            person or self.person, title=title, year=year, scope=scope, actor=self.officer
        )


class RecordAwardTests(PeopleTestCase):
    def test_an_award_from_the_past_is_saved_with_its_source_and_audited(self):
        award = self.record(CHIEN_SI_THI_DUA_CO_SO, 2022, source="  Quyết định  số 15-QĐ/ĐU ")
        self.assertEqual(award.form, form_for(CHIEN_SI_THI_DUA_CO_SO, 2022))
        self.assertEqual(award.form.valid_to, datetime.date(2023, 12, 31))  # Luật 2003 era
        self.assertEqual(
            (award.year, award.person, award.source), (2022, self.person, "Quyết định số 15-QĐ/ĐU")
        )
        entry = audit.history(award).get()
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.CREATE, self.officer))
        self.assertEqual(entry.reason, "Ghi nhận khen thưởng từ trước: Quyết định số 15-QĐ/ĐU")

    def test_it_attaches_unused_initiatives_of_the_person_each_held_by_the_award(self):
        """A form may ask for two: the award holds every initiative it used."""
        first = self.initiative(year=2023)
        second = self.initiative(year=2024, title="Sổ tay chi bộ")
        award = self.record(CHIEN_SI_THI_DUA_CO_SO, 2024, initiatives=[second, first])
        self.assertEqual(list(award.initiatives.order_by("year")), [first, second])
        created = audit.history(award).get()
        self.assertEqual(created.after["initiative_ids"], [second.pk, first.pk])
        used = audit.history(first).get(action=AuditEntry.Action.UPDATE)
        self.assertEqual((used.before, used.after), ({"award_id": None}, {"award_id": award.pk}))

    def test_refusals_leave_nothing_changed(self):
        self.record(LAO_DONG_TIEN_TIEN, 2024)
        used = self.initiative(title="Sáng kiến đã dùng")
        self.record(CHIEN_SI_THI_DUA_CO_SO, 2024, initiatives=[used])
        theirs = self.initiative(self.other, title="Sáng kiến của người khác")
        later = self.initiative(year=2025, title="Sáng kiến năm sau")
        free = self.initiative(year=2022, title="Sáng kiến chưa dùng")
        form_2024 = form_for(CHIEN_SI_THI_DUA_CO_SO, 2024)
        cases = [
            ("Ghi rõ nguồn", lambda: self.record(LAO_DONG_TIEN_TIEN, 2023, source="  ")),
            (
                "đã có “Lao động tiên tiến” năm 2024",
                lambda: self.record(LAO_DONG_TIEN_TIEN, 2024, source="Bản sao khác"),
            ),
            (
                "đã được dùng cho “Chiến sĩ thi đua cơ sở” năm 2024",
                lambda: self.record(LAO_DONG_TIEN_TIEN, 2023, initiatives=[free, used]),
            ),
            (
                "không phải của",
                lambda: self.record(LAO_DONG_TIEN_TIEN, 2023, initiatives=[theirs]),
            ),
            (
                "sau năm khen thưởng 2023",
                lambda: self.record(LAO_DONG_TIEN_TIEN, 2023, initiatives=[later, free]),
            ),
            (
                "không có hiệu lực năm 2022",
                lambda: people.record_award(
                    form_2024, 2022, person=self.person, actor=self.officer, source="QĐ 1"
                ),
            ),
            (
                "phải từ 1945 đến năm hiện tại (2025)",
                lambda: people.record_award(
                    form_for(CHIEN_SI_THI_DUA_CO_SO, 2026),
                    2026,
                    person=self.person,
                    actor=self.officer,
                    source="QĐ 2",
                ),
            ),
            (
                "chỉ tặng cho tập thể",
                lambda: people.record_award(
                    form_for(GIAY_KHEN_TAP_THE, 2024),
                    2024,
                    person=self.person,
                    actor=self.officer,
                    source="QĐ 3",
                ),
            ),
            (
                "Chọn đúng một cá nhân hoặc một tập thể",
                lambda: people.record_award(form_2024, 2024, actor=self.officer, source="QĐ 4"),
            ),
        ]
        young = make_unit(
            "Chi bộ mới",
            name="Chi bộ mới",
            parent=self.party.communes[0],
            kind_code="grassroots_org",
            valid_from=datetime.date(2024, 5, 1),
        )
        cases.append(
            (
                "Đơn vị “Chi bộ mới” không tồn tại trong năm 2023",
                lambda: people.record_award(
                    form_for(GIAY_KHEN_TAP_THE, 2023),
                    2023,
                    unit=young,
                    actor=self.officer,
                    source="QĐ 5",
                ),
            )
        )
        for fragment, action in cases:
            with self.subTest(fragment), self.assertRefused(fragment, Award, Initiative):
                action()
        self.assertEqual(Award.objects.filter(person=self.person).count(), 2)
        free.refresh_from_db()
        self.assertIsNone(free.award)  # refused with a used one: the free one stays free

    def test_a_revoked_award_may_be_recorded_again(self):
        award = self.record(LAO_DONG_TIEN_TIEN, 2024)
        people.revoke_award(award, reason="Sai năm", actor=self.officer)
        again = self.record(LAO_DONG_TIEN_TIEN, 2024, source="Quyết định số 20-QĐ/ĐU")
        self.assertNotEqual(again.pk, award.pk)
        self.assertEqual(Award.objects.filter(person=self.person, year=2024).count(), 2)


class RevokeAwardTests(PeopleTestCase):
    def test_revoking_keeps_the_row_marks_it_and_is_audited(self):
        award = self.record(LAO_DONG_TIEN_TIEN, 2024)
        revoked = people.revoke_award(award, reason="  Phát hiện  sai sót ", actor=self.officer)
        award.refresh_from_db()
        self.assertTrue(award.is_revoked)
        self.assertEqual(award.revoked_at, NOW)
        self.assertEqual(
            (award.revoked_reason, award.revoked_by), ("Phát hiện sai sót", self.officer)
        )
        self.assertEqual(revoked.pk, award.pk)
        self.assertTrue(Award.objects.filter(pk=award.pk).exists())
        entry = audit.history(award).first()
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        self.assertEqual(entry.before["revoked_at"], None)
        self.assertEqual(entry.after["revoked_reason"], "Phát hiện sai sót")
        self.assertEqual(entry.reason, "Thu hồi: Phát hiện sai sót")

    def test_a_reason_is_required_and_a_second_revocation_is_refused(self):
        award = self.record(LAO_DONG_TIEN_TIEN, 2024)
        with self.assertRefused("Ghi rõ lý do thu hồi", Award):
            people.revoke_award(award, reason=" ", actor=self.officer)
        award.refresh_from_db()
        self.assertFalse(award.is_revoked)
        people.revoke_award(award, reason="Sai đối tượng", actor=self.officer)
        with self.assertRefused("đã bị thu hồi ngày 01/03/2025", Award):
            people.revoke_award(award, reason="Lần nữa", actor=self.officer)
        award.refresh_from_db()
        self.assertEqual(award.revoked_reason, "Sai đối tượng")


class RecordInitiativeTests(PeopleTestCase):
    def test_an_initiative_is_saved_and_audited(self):
        initiative = people.record_initiative(
            self.person,
            title=" Số hóa  hồ sơ đảng viên ",
            year=2024,
            scope="national",
            actor=self.officer,
            recognized_by="Ban Tổ chức Trung ương",
        )
        self.assertEqual(
            (initiative.title, initiative.scope, initiative.recognized_by),
            ("Số hóa hồ sơ đảng viên", "national", "Ban Tổ chức Trung ương"),
        )
        self.assertEqual(audit.history(initiative).get().action, AuditEntry.Action.CREATE)

    def test_refusals_leave_nothing_changed(self):
        self.initiative(title="Số hóa hồ sơ", year=2024)
        cases = [
            ("Nhập tên sáng kiến", {"title": " "}),
            ("Phạm vi ảnh hưởng “district” không hợp lệ", {"scope": "district"}),
            ("đã có sáng kiến “Số hóa hồ sơ” năm 2024", {"title": "SỐ HÓA HỒ SƠ"}),
            ("phải từ 1945 đến năm hiện tại", {"year": 2026}),
        ]
        for fragment, changes in cases:
            arguments = {"title": "Sáng kiến mới", "year": 2024, "scope": "unit", **changes}
            with self.subTest(fragment), self.assertRefused(fragment, Initiative):
                people.record_initiative(self.person, actor=self.officer, **arguments)


class DossierTests(PeopleTestCase):
    """A member of Chi bộ thôn 1.1 (renamed on 01/01/2023) moves to Chi bộ thôn 1.2 in 2024."""

    def setUp(self):
        registry.rename_unit(
            self.first_cell,
            actor=None,
            effective_date=datetime.date(2023, 1, 1),
            name="Chi bộ Khu phố 1.1, xã 1 (Hưng Yên)",
        )
        classify(self.person, 2021, GOOD)
        classify(self.person, 2022, EXC)
        classify(self.person, 2023, EXC)
        classify(self.person, 2024, EXC, unit=self.second_cell)
        self.used = self.initiative(year=2023, title="Số hóa hồ sơ đảng viên")
        self.spare = self.initiative(year=2024, scope="unit", title="Sổ tay chi bộ")
        self.cstdcs = self.record(CHIEN_SI_THI_DUA_CO_SO, 2023, initiatives=[self.used])
        self.ldtt = self.record(LAO_DONG_TIEN_TIEN, 2024)
        people.revoke_award(self.ldtt, reason="Sai sót hồ sơ", actor=self.officer)
        self.exclusion = Exclusion.objects.create(
            person=self.person,
            kind="discipline_review",
            starts_on=datetime.date(2022, 4, 1),
            ends_on=datetime.date(2022, 9, 30),
            note="Đơn thư",
        )

    def test_classifications_show_the_unit_at_the_time_and_the_rule_set(self):
        record = people.dossier(self.person)
        self.assertEqual(record["person"], self.person)
        rows = [
            (c["year"], c["abbreviation"], c["unit_name"], c["rule_set"])
            for c in record["classifications"]
        ]
        self.assertEqual(
            rows,
            [
                (2021, "HTTNV", "Chi bộ thôn 1.1, xã 1 (Hưng Yên)", "Quy định 132-QĐ/TW"),
                (2022, "HTXSNV", "Chi bộ thôn 1.1, xã 1 (Hưng Yên)", "Quy định 132-QĐ/TW"),
                (2023, "HTXSNV", "Chi bộ Khu phố 1.1, xã 1 (Hưng Yên)", "Quy định 124-QĐ/TW"),
                (2024, "HTXSNV", "Chi bộ thôn 1.2, xã 1 (Hưng Yên)", "Quy định 124-QĐ/TW"),
            ],
        )
        self.assertEqual(record["classifications"][0]["level_name"], "Hoàn thành tốt nhiệm vụ")

    def test_awards_include_the_revoked_ones_marked(self):
        awards = people.dossier(self.person)["awards"]
        self.assertEqual([a["award"] for a in awards], [self.cstdcs, self.ldtt])
        cstdcs, ldtt = awards
        self.assertFalse(cstdcs["revoked"])
        self.assertEqual(
            (cstdcs["initiatives"], cstdcs["initiative_ids"]),
            (["Số hóa hồ sơ đảng viên"], [self.used.pk]),
        )
        self.assertEqual(ldtt["initiatives"], [])
        self.assertEqual(cstdcs["source"], "Quyết định số 15-QĐ/ĐU")
        self.assertEqual(cstdcs["label"], "Chiến sĩ thi đua cơ sở năm 2023")
        self.assertTrue(ldtt["revoked"])
        self.assertEqual(ldtt["revoked_reason"], "Sai sót hồ sơ")
        self.assertEqual(ldtt["label"], "Lao động tiên tiến năm 2024 (đã thu hồi ngày 01/03/2025)")

    def test_initiatives_say_what_they_were_used_for_and_which_live_dossier_cites_them(self):
        initiatives = people.dossier(self.person)["initiatives"]
        self.assertEqual(
            [(i["title"], i["scope_name"], i["used_for"], i["cited_in"]) for i in initiatives],
            [
                (
                    "Số hóa hồ sơ đảng viên",
                    "cấp bộ, tỉnh",
                    "Chiến sĩ thi đua cơ sở năm 2023",
                    None,
                ),
                ("Sổ tay chi bộ", "cơ sở", "", None),
            ],
        )
        self.assertEqual(initiatives[0]["used_award"], self.cstdcs)
        form = form_for(CHIEN_SI_THI_DUA_CO_SO, 2024)
        dossier = proposals.create_proposal(
            form=form, year=2024, unit=self.party.province, actor=None, title="Đề nghị CSTĐCS"
        )
        proposals.add_nominee(dossier, actor=None, person=self.person, initiatives=[self.spare])
        spare = people.dossier(self.person)["initiatives"][1]
        self.assertEqual(spare["cited_in"], dossier)
        self.assertIn(f"“Đề nghị CSTĐCS” (số {dossier.pk}, năm 2024", spare["cited_text"])
        proposals.withdraw(dossier, actor=None, reason="Rút.")
        self.assertIsNone(people.dossier(self.person)["initiatives"][1]["cited_in"])

    def test_exclusions_and_streaks(self):
        record = people.dossier(self.person)
        self.assertEqual(
            [(e["kind_name"], e["starts_on"], e["ends_on"]) for e in record["exclusions"]],
            [("Đang xem xét kỷ luật", datetime.date(2022, 4, 1), datetime.date(2022, 9, 30))],
        )
        excellent, good = record["streaks"]["excellent"], record["streaks"]["good"]
        # HTXSNV 2022–2024 (2021 HTTNV breaks it); HTTNV or better 2021–2024 (2020 missing)
        self.assertEqual(
            (excellent.length, excellent.first_year, excellent.last_year), (3, 2022, 2024)
        )
        self.assertEqual((good.length, good.first_year, good.last_year), (4, 2021, 2024))
        self.assertTrue(good.data_missing)
        self.assertIn("tại Chi bộ thôn 1.2, xã 1 (Hưng Yên)", excellent.explanation)

    def test_a_person_without_any_record_has_an_empty_dossier(self):
        record = people.dossier(self.other)
        self.assertEqual(
            (
                record["classifications"],
                record["awards"],
                record["initiatives"],
                record["exclusions"],
            ),
            ([], [], [], []),
        )
        self.assertEqual(record["streaks"]["excellent"].length, 0)
        self.assertEqual(record["streaks"]["excellent"].until_year, 2025)

    def test_the_dossier_costs_a_fixed_number_of_queries(self):
        """Classifications (1, the units' versions and the rule sets' disqualifiers
        prefetched: 2), awards (1, their initiatives prefetched: 1), initiatives (1, the live
        dossiers citing the unused ones: 1), exclusions (1), and two streaks (each its rows and
        their units' names: 2)."""
        with self.assertNumQueries(12):
            people.dossier(self.person)


class RegistrySearchTests(PeopleTestCase):
    """Search ignores case and diacritics, in SQL (PostgreSQL: TRANSLATE; SQLite: the same
    search_key in Python)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        names = {
            "HY100001": "Nguyễn Văn An",
            "HY100002": "Nguyễn Văn Bình",
            "HY100003": "Đỗ Thị Ánh",
            "HY100004": "Trần Quốc Đạt",
            # stored decomposed (NFD), as a legacy file might have it
            "HY100005": unicodedata.normalize("NFD", "Lê Thị Hường"),
        }
        Person.objects.bulk_create(
            Person(code=code, full_name=name, unit=cls.first_cell) for code, name in names.items()
        )

    def names(self, query: str) -> set[str]:
        found = people.search_people(Person.objects.all(), query)
        return {unicodedata.normalize("NFC", p.full_name) for p in found}

    def test_a_query_without_accents_or_capitals_finds_the_name(self):
        self.assertEqual(self.names("nguyen van an"), {"Nguyễn Văn An"})
        self.assertEqual(self.names("NGUYỄN VĂN AN"), {"Nguyễn Văn An"})
        self.assertEqual(self.names("nguyen"), {"Nguyễn Văn An", "Nguyễn Văn Bình"})

    def test_d_and_dj_are_the_same_letter(self):
        self.assertEqual(self.names("do thi"), {"Đỗ Thị Ánh"})
        self.assertEqual(self.names("quoc dat"), {"Trần Quốc Đạt"})
        self.assertEqual(self.names("ĐẠT"), {"Trần Quốc Đạt"})

    def test_every_word_must_appear_in_any_order(self):
        self.assertEqual(self.names("an nguyen"), {"Nguyễn Văn An"})
        self.assertEqual(self.names("nguyen binh"), {"Nguyễn Văn Bình"})
        self.assertEqual(self.names("nguyen hoa"), set())

    def test_a_name_stored_decomposed_is_found(self):
        self.assertEqual(self.names("huong"), {"Lê Thị Hường"})

    def test_a_code_is_matched_exactly_ignoring_case(self):
        self.assertEqual(self.names("hy100003"), {"Đỗ Thị Ánh"})
        self.assertEqual(self.names("HY1000"), set())  # a code is not a name fragment

    def test_an_empty_query_finds_nobody(self):
        self.assertEqual(self.names("   "), set())

    def test_it_narrows_a_given_queryset_in_one_query(self):
        visible = Person.objects.filter(unit=self.second_cell)
        with self.assertNumQueries(1):
            self.assertEqual(list(people.search_people(visible, "nguyen van an")), [])


class RegistryWriteTests(PeopleTestCase):
    def create(self, **kwargs):
        details = {"code": "HY200001", "full_name": "Phạm Thu Hà", "unit": self.first_cell}
        return people.create_person(**{**details, **kwargs}, actor=self.officer)

    def test_a_person_is_created_normalized_and_audited(self):
        person = self.create(
            code=" HY200001 ",
            full_name="  Phạm   Thu " + unicodedata.normalize("NFD", "Hà"),
            gender="F",
            birth_year=1980,
        )
        person.refresh_from_db()
        self.assertEqual(
            (person.code, person.full_name, person.gender, person.birth_year, person.unit),
            ("HY200001", "Phạm Thu Hà", "F", 1980, self.first_cell),
        )
        entry = audit.history(person).get()
        self.assertEqual((entry.action, entry.actor), (AuditEntry.Action.CREATE, self.officer))
        self.assertEqual(entry.after["code"], "HY200001")

    def test_a_code_already_taken_is_refused_ignoring_case(self):
        taken = self.person.code
        for code in (taken, taken.lower()):
            with (
                self.subTest(code=code),
                self.assertRefused(
                    f"Mã “{code}” đã được dùng cho {self.person.full_name} (mã {taken}", Person
                ),
            ):
                self.create(code=code)

    def test_bad_details_are_refused_and_nothing_saved(self):
        gone = make_unit("Chi bộ cũ", parent=self.party.communes[0], kind_code="grassroots_org")
        registry.dissolve_unit(gone, actor=None, effective_date=datetime.date(2025, 1, 1))
        cases = [
            ("Nhập mã đảng viên", {"code": "  "}),
            ("không được có dấu cách", {"code": "HY 2"}),
            ("Nhập họ và tên", {"full_name": " "}),
            ("Giới tính “X” không hợp lệ", {"gender": "X"}),
            ("Năm sinh phải từ 1900 đến năm hiện tại (2025)", {"birth_year": 2026}),
            ("Đơn vị “Chi bộ cũ” không còn tồn tại", {"unit": gone}),
        ]
        for fragment, details in cases:
            with self.subTest(fragment), self.assertRefused(fragment, Person):
                self.create(**details)

    def test_an_edit_is_audited_with_before_and_after(self):
        people.update_person(
            self.person,
            code=self.person.code,
            full_name="Nguyễn Thị Mai",
            unit=self.second_cell,
            gender="F",
            birth_year=1975,
            actor=self.officer,
        )
        entry = audit.history(self.person).get()
        self.assertEqual(entry.action, AuditEntry.Action.UPDATE)
        self.assertEqual(
            (entry.before["full_name"], entry.after["full_name"]),
            (self.person.full_name, "Nguyễn Thị Mai"),
        )
        self.assertEqual(
            (entry.before["unit_id"], entry.after["unit_id"]),
            (self.first_cell.pk, self.second_cell.pk),
        )

    def test_an_edit_that_changes_nothing_writes_nothing(self):
        # a savepoint around the row locked, nothing else (no UPDATE, no audit)
        with self.assertNumQueries(3):
            people.update_person(
                self.person,
                code=self.person.code,
                full_name=self.person.full_name,
                unit=self.person.unit,
                gender=self.person.gender,
                actor=self.officer,
            )
        self.assertFalse(audit.history(self.person).exists())

    def test_an_edit_to_anothers_code_is_refused(self):
        with self.assertRefused(f"đã được dùng cho {self.other.full_name}", Person):
            people.update_person(
                self.person,
                code=self.other.code.lower(),
                full_name=self.person.full_name,
                unit=self.person.unit,
                actor=self.officer,
            )
        self.person.refresh_from_db()
        self.assertNotEqual(self.person.code, self.other.code.lower())

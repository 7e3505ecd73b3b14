"""The registry services: units, their dated versions and the lineage between them.

Dates are inclusive: an event effective on day D ends the old versions on D - 1 and opens the
new ones on D. Every refusal must leave the database exactly as it was.
"""

import datetime
import unicodedata

from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations.models import LineageEvent, LineageLink, Unit, UnitVersion
from organizations.services import registry
from organizations.services.registry import NewUnit
from organizations.testing import START, UserFactory, kind, make_unit

D = datetime.date
LINEAGE = (Unit, UnitVersion, LineageEvent, LineageLink)


def board(
    short_name: str, code: str, *, parent: Unit | None = None, admin_code: str = ""
) -> NewUnit:
    """The description of a provincial board, as a form would submit it."""
    return NewUnit(
        code=code,
        name=f"Ban Tổ chức Tỉnh ủy {short_name}",
        short_name=short_name,
        parent=parent,
        kind=kind(),
        admin_code=admin_code,
    )


def commission() -> Unit:
    return make_unit(
        "Ban Tổ chức Trung ương",
        name="Ban Tổ chức Trung ương",
        kind_code="central_commission",
        code="BTCTW",
    )


class RegistryTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="chuyenvien")
        cls.root = commission()

    def new_audit_entries(self, since: int):
        return list(AuditEntry.objects.filter(pk__gt=since).order_by("id"))

    def last_audit_id(self) -> int:
        last = AuditEntry.objects.order_by("-id").first()
        return last.pk if last else 0


class CreateUnitTests(RegistryTestCase):
    def test_it_registers_a_unit_with_its_first_version_and_an_establishment_event(self):
        unit = registry.create_unit(
            board("Bắc Ninh", "BTC-27", parent=self.root, admin_code="27"),
            actor=self.user,
            valid_from=START,
            legal_basis="Quyết định thành lập",
        )
        version = unit.versions.get()
        self.assertEqual(version.name, "Ban Tổ chức Tỉnh ủy Bắc Ninh")
        self.assertEqual(version.short_name, "Bắc Ninh")
        self.assertEqual(version.parent, self.root)
        self.assertEqual(version.admin_code, "27")
        self.assertEqual((version.valid_from, version.valid_to), (START, None))
        self.assertEqual(version.event.kind, LineageEvent.Kind.ESTABLISH)
        self.assertEqual(version.event.effective_date, START)
        self.assertEqual(version.event.legal_basis, "Quyết định thành lập")
        self.assertEqual(version.event.created_by, self.user)
        self.assertEqual(list(version.event.units.all()), [unit])
        self.assertIsNone(unit.version_on(START - datetime.timedelta(days=1)))
        self.assertEqual(unit.first_day, START)
        self.assertIsNone(unit.last_day)

    def test_it_stores_names_in_nfc_with_single_spaces_and_defaults_the_short_name(self):
        typed = unicodedata.normalize("NFD", "  Ban Tổ chức   Tỉnh ủy Đắk Lắk ")
        unit = registry.create_unit(
            NewUnit(code=" BTC-66 ", name=typed, kind=kind()), actor=None, valid_from=START
        )
        version = unit.versions.get()
        self.assertEqual(unit.code, "BTC-66")
        self.assertEqual(version.name, "Ban Tổ chức Tỉnh ủy Đắk Lắk")
        self.assertTrue(unicodedata.is_normalized("NFC", version.name))
        self.assertEqual(version.short_name, version.name)
        self.assertIn("dak lak", version.search_key)

    def test_it_refuses_a_blank_name(self):
        with self.assertRefused("không được để trống", *LINEAGE):
            registry.create_unit(
                NewUnit(code="X1", name="   ", kind=kind()), actor=None, valid_from=START
            )

    def test_it_refuses_a_code_already_in_use(self):
        with self.assertRefused("đã được dùng", *LINEAGE):
            registry.create_unit(board("Bắc Ninh", "BTCTW"), actor=None, valid_from=START)

    def test_it_refuses_a_unit_without_a_kind(self):
        with self.assertRefused("Chưa chọn loại", *LINEAGE):
            registry.create_unit(
                NewUnit(code="X1", name="Ban Tổ chức Tỉnh ủy Bắc Ninh"),
                actor=None,
                valid_from=START,
            )

    def test_it_refuses_a_parent_that_does_not_exist_on_the_first_day(self):
        parent = make_unit(
            "Vụ mới", name="Vụ mới", kind_code="department", valid_from=D(2010, 1, 1)
        )
        with self.assertRefused("không tồn tại vào ngày 31/12/2009", *LINEAGE):
            registry.create_unit(
                board("Bắc Ninh", "X1", parent=parent), actor=None, valid_from=D(2009, 12, 31)
            )


class UniqueNameTests(RegistryTestCase):
    """Two units under the same parent may not share a name (compared after NFC and
    case-folding, diacritics kept) in overlapping periods."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.existing = make_unit("Bắc Ninh", parent=cls.root)
        cls.department = make_unit(
            "Vụ Địa phương I", name="Vụ Địa phương I", parent=cls.root, kind_code="department"
        )
        cls.variant = unicodedata.normalize("NFD", "BAN TỔ CHỨC TỈNH ỦY BẮC NINH")

    def test_it_refuses_a_decomposed_upper_case_variant_of_a_sibling_name(self):
        self.assertNotEqual(self.variant, self.existing.latest_version.name)
        with self.assertRefused("Đã có đơn vị tên “Ban Tổ chức Tỉnh ủy Bắc Ninh”", *LINEAGE):
            registry.create_unit(
                NewUnit(code="X1", name=self.variant, parent=self.root, kind=kind()),
                actor=None,
                valid_from=D(2020, 1, 1),
            )

    def test_it_refuses_a_duplicate_name_among_top_level_units(self):
        make_unit("Hà Nam")
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.create_unit(
                NewUnit(code="X1", name="ban tổ chức tỉnh ủy hà nam", kind=kind()),
                actor=None,
                valid_from=D(2020, 1, 1),
            )

    def test_it_refuses_a_unit_that_starts_earlier_but_would_overlap(self):
        """A new unit has no end, so it clashes with a namesake that starts after it."""
        make_unit("Hà Nam", parent=self.root, valid_from=D(2015, 1, 1))
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.create_unit(
                NewUnit(
                    code="X1", name="Ban Tổ chức Tỉnh ủy Hà Nam", parent=self.root, kind=kind()
                ),
                actor=None,
                valid_from=D(2010, 1, 1),
            )

    def test_it_accepts_the_same_name_under_another_parent(self):
        unit = registry.create_unit(
            NewUnit(code="X1", name=self.variant, parent=self.department, kind=kind()),
            actor=None,
            valid_from=D(2020, 1, 1),
        )
        self.assertEqual(unit.latest_version.name, "BAN TỔ CHỨC TỈNH ỦY BẮC NINH")

    def test_it_accepts_the_same_name_once_the_first_unit_has_ended(self):
        registry.dissolve_unit(self.existing, actor=None, effective_date=D(2020, 1, 1))
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.create_unit(
                NewUnit(code="X1", name=self.variant, parent=self.root, kind=kind()),
                actor=None,
                valid_from=D(2019, 12, 31),
            )
        unit = registry.create_unit(
            NewUnit(code="X1", name=self.variant, parent=self.root, kind=kind()),
            actor=None,
            valid_from=D(2020, 1, 1),
        )
        self.assertEqual(unit.first_day, D(2020, 1, 1))

    def test_it_refuses_renaming_a_unit_to_a_sibling_name(self):
        other = make_unit("Bắc Giang", parent=self.root)
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.rename_unit(other, actor=None, effective_date=D(2020, 1, 1), name=self.variant)

    def test_it_refuses_moving_a_unit_under_a_parent_that_has_a_child_of_the_same_name(self):
        namesake = make_unit("Bắc Ninh", parent=self.department)
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.rename_unit(
                namesake,
                actor=None,
                effective_date=D(2020, 1, 1),
                name="Ban Tổ chức Tỉnh ủy Bắc Ninh",
                parent=self.root,
            )

    def test_a_unit_may_take_back_its_own_earlier_name(self):
        """The unit's own versions do not count as a clash."""
        original = self.existing.latest_version.name
        registry.rename_unit(
            self.existing, actor=None, effective_date=D(2015, 1, 1), name="Ban Tổ chức Tạm thời"
        )
        registry.rename_unit(
            self.existing,
            actor=None,
            effective_date=D(2020, 1, 1),
            name=original,
            short_name="Bắc Ninh",
        )
        self.assertEqual(self.existing.version_on(D(2020, 1, 1)).name, original)
        self.assertEqual(self.existing.versions.count(), 3)


class RenameTests(RegistryTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hue = registry.create_unit(
            NewUnit(
                code="BTC-46",
                name="Ban Tổ chức Tỉnh ủy Thừa Thiên Huế",
                short_name="Thừa Thiên Huế",
                parent=cls.root,
                kind=kind(),
                admin_code="46",
                locality_type="Tỉnh",
            ),
            actor=None,
            valid_from=START,
        )

    def test_a_rename_keeps_the_unit_and_dates_both_names(self):
        units_before = Unit.objects.count()
        event = registry.rename_unit(
            self.hue,
            actor=self.user,
            effective_date=D(2025, 1, 1),
            name="Ban Tổ chức Thành ủy Huế",
            short_name="Huế",
            locality_type="Thành phố trực thuộc Trung ương",
        )
        self.assertEqual(Unit.objects.count(), units_before)
        old, new = self.hue.version_on(D(2024, 12, 31)), self.hue.version_on(D(2025, 1, 1))
        self.assertEqual((old.short_name, old.valid_to), ("Thừa Thiên Huế", D(2024, 12, 31)))
        self.assertEqual(old.name, "Ban Tổ chức Tỉnh ủy Thừa Thiên Huế")
        self.assertEqual(
            (new.short_name, new.valid_from, new.valid_to), ("Huế", D(2025, 1, 1), None)
        )
        self.assertEqual(new.name, "Ban Tổ chức Thành ủy Huế")
        self.assertEqual(new.unit_id, self.hue.pk)
        self.assertEqual(new.parent, self.root)
        self.assertEqual(new.admin_code, "46")
        self.assertEqual(new.locality_type, "Thành phố trực thuộc Trung ương")
        self.assertEqual(new.event, event)
        self.assertEqual(event.kind, LineageEvent.Kind.RENAME)
        self.assertEqual(list(event.units.all()), [self.hue])
        self.assertFalse(LineageLink.objects.exists())
        self.assertEqual(str(self.hue), "Huế")

    def test_changing_only_the_statistical_code_keeps_the_names(self):
        registry.rename_unit(
            self.hue,
            actor=None,
            effective_date=D(2025, 7, 1),
            name="Ban Tổ chức Tỉnh ủy Thừa Thiên Huế",
            admin_code="99",
        )
        new = self.hue.version_on(D(2025, 7, 1))
        self.assertEqual((new.short_name, new.admin_code), ("Thừa Thiên Huế", "99"))
        self.assertEqual(self.hue.version_on(D(2025, 6, 30)).admin_code, "46")

    def test_it_can_move_a_unit_under_another_parent_or_to_the_top_level(self):
        department = make_unit(
            "Vụ Địa phương II", name="Vụ Địa phương II", parent=self.root, kind_code="department"
        )
        name = self.hue.latest_version.name
        registry.rename_unit(
            self.hue, actor=None, effective_date=D(2020, 1, 1), name=name, parent=department
        )
        registry.rename_unit(
            self.hue, actor=None, effective_date=D(2021, 1, 1), name=name, parent=None
        )
        self.assertEqual(self.hue.version_on(D(2019, 12, 31)).parent, self.root)
        self.assertEqual(self.hue.version_on(D(2020, 6, 1)).parent, department)
        self.assertIsNone(self.hue.version_on(D(2021, 1, 1)).parent)
        self.assertEqual(self.hue.version_on(D(2021, 1, 1)).short_name, "Thừa Thiên Huế")

    def test_it_refuses_a_rename_that_changes_nothing(self):
        with self.assertRefused("không có gì thay đổi", *LINEAGE):
            registry.rename_unit(
                self.hue,
                actor=None,
                effective_date=D(2020, 1, 1),
                name=" Ban Tổ chức Tỉnh ủy  Thừa Thiên Huế",
                short_name="Thừa Thiên Huế",
            )

    def test_it_refuses_a_parent_that_does_not_exist_on_the_day(self):
        later = make_unit("Vụ mới", name="Vụ mới", kind_code="department", valid_from=D(2022, 1, 1))
        with self.assertRefused("không tồn tại vào ngày 01/01/2021", *LINEAGE):
            registry.rename_unit(
                self.hue,
                actor=None,
                effective_date=D(2021, 1, 1),
                name=self.hue.latest_version.name,
                parent=later,
            )


class ChronologyTests(RegistryTestCase):
    """Events on a unit must come in date order, and only while the unit exists."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.unit = make_unit("Bắc Ninh", parent=cls.root, valid_from=D(2010, 1, 1))
        cls.other = make_unit("Bắc Giang", parent=cls.root)

    def rename(self, day: datetime.date, name: str = "Ban Tổ chức Tỉnh ủy Kinh Bắc"):
        return registry.rename_unit(self.unit, actor=None, effective_date=day, name=name)

    def test_it_refuses_an_event_on_the_same_day_as_a_later_change(self):
        self.rename(D(2020, 1, 1))
        with self.assertRefused("đã có thay đổi từ ngày 01/01/2020", *LINEAGE):
            self.rename(D(2020, 1, 1), name="Ban Tổ chức Tỉnh ủy Bắc Ninh mới")

    def test_it_refuses_an_event_dated_before_an_existing_later_change(self):
        self.rename(D(2020, 1, 1))
        with self.assertRefused("đã có thay đổi từ ngày 01/01/2020", *LINEAGE):
            self.rename(D(2019, 6, 1), name="Ban Tổ chức Tỉnh ủy Bắc Ninh mới")
        with self.assertRefused("đã có thay đổi từ ngày 01/01/2020", *LINEAGE):
            registry.dissolve_unit(self.unit, actor=None, effective_date=D(2015, 1, 1))
        with self.assertRefused("đã có thay đổi từ ngày 01/01/2020", *LINEAGE):
            registry.merge_units(
                [self.unit, self.other], actor=None, effective_date=D(2019, 1, 1), into=self.other
            )
        with self.assertRefused("đã có thay đổi từ ngày 01/01/2020", *LINEAGE):
            registry.split_unit(
                self.unit,
                actor=None,
                effective_date=D(2019, 1, 1),
                parts=[board("Phần A", "PA"), board("Phần B", "PB")],
            )

    def test_it_accepts_an_event_the_day_after_the_previous_change(self):
        self.rename(D(2020, 1, 1))
        self.rename(D(2020, 1, 2), name="Ban Tổ chức Tỉnh ủy Bắc Ninh mới")
        one_day = self.unit.version_on(D(2020, 1, 1))
        self.assertEqual((one_day.valid_from, one_day.valid_to), (D(2020, 1, 1), D(2020, 1, 1)))
        self.assertEqual(
            self.unit.version_on(D(2020, 1, 2)).name, "Ban Tổ chức Tỉnh ủy Bắc Ninh mới"
        )

    def test_it_refuses_an_event_on_a_unit_that_does_not_exist_yet(self):
        """An event on day D needs the unit alive on D - 1, so not even on its first day."""
        with self.assertRefused("không tồn tại vào ngày 31/12/2009", *LINEAGE):
            self.rename(D(2010, 1, 1))
        with self.assertRefused("không tồn tại vào ngày 31/05/2009", *LINEAGE):
            self.rename(D(2009, 6, 1))
        with self.assertRefused("không tồn tại", *LINEAGE):
            registry.merge_units(
                [self.unit, self.other], actor=None, effective_date=D(2009, 1, 1), into=self.other
            )

    def test_it_refuses_an_event_on_a_unit_that_no_longer_exists(self):
        registry.dissolve_unit(self.unit, actor=None, effective_date=D(2015, 1, 1))
        with self.assertRefused("không tồn tại vào ngày 31/12/2015", *LINEAGE):
            self.rename(D(2016, 1, 1))
        with self.assertRefused("không tồn tại", *LINEAGE):
            registry.dissolve_unit(self.unit, actor=None, effective_date=D(2016, 1, 1))
        with self.assertRefused("không tồn tại", *LINEAGE):
            registry.merge_units(
                [self.unit, self.other], actor=None, effective_date=D(2016, 1, 1), into=self.other
            )
        with self.assertRefused("không tồn tại", *LINEAGE):
            registry.split_unit(
                self.unit,
                actor=None,
                effective_date=D(2016, 1, 1),
                parts=[board("Phần A", "PA"), board("Phần B", "PB")],
            )


class MergeTests(RegistryTestCase):
    MERGER = D(2025, 7, 1)
    EVE = D(2025, 6, 30)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hai_phong = registry.create_unit(
            board("Hải Phòng", "BTC-31", parent=cls.root, admin_code="31"),
            actor=None,
            valid_from=START,
        )
        cls.hai_duong = registry.create_unit(
            board("Hải Dương", "BTC-30", parent=cls.root, admin_code="30"),
            actor=None,
            valid_from=START,
        )

    def test_merging_into_a_survivor_ends_the_absorbed_unit_the_day_before(self):
        event = registry.merge_units(
            [self.hai_duong, self.hai_phong],
            actor=self.user,
            effective_date=self.MERGER,
            into=self.hai_phong,
            legal_basis="Nghị quyết 202/2025/QH15",
        )
        self.assertEqual(event.kind, LineageEvent.Kind.MERGE)
        self.assertEqual(set(event.units.all()), {self.hai_duong, self.hai_phong})
        self.assertEqual(self.hai_duong.last_day, self.EVE)
        self.assertIsNone(self.hai_duong.version_on(self.MERGER))
        self.assertEqual(self.hai_phong.versions.count(), 1)  # nothing changed: no new version
        self.assertIsNone(self.hai_phong.last_day)
        link = LineageLink.objects.get()
        self.assertEqual(
            (link.event, link.predecessor, link.successor), (event, self.hai_duong, self.hai_phong)
        )
        self.assertEqual(
            set(Unit.objects.as_of(self.EVE).filter(kind__code="provincial_board")),
            {self.hai_duong, self.hai_phong},
        )
        self.assertEqual(
            list(Unit.objects.as_of(self.MERGER).filter(kind__code="provincial_board")),
            [self.hai_phong],
        )

    def test_the_survivor_may_take_a_new_name_and_code_from_the_merger_day(self):
        registry.merge_units(
            [self.hai_duong],
            actor=None,
            effective_date=self.MERGER,
            into=self.hai_phong,
            successor_name="Ban Tổ chức Thành ủy Hải Phòng",
            successor_short_name="Hải Phòng",
            successor_admin_code="32",
            successor_locality_type="Thành phố trực thuộc Trung ương",
        )
        before, after = self.hai_phong.version_on(self.EVE), self.hai_phong.version_on(self.MERGER)
        self.assertEqual(
            (before.name, before.admin_code, before.valid_to),
            ("Ban Tổ chức Tỉnh ủy Hải Phòng", "31", self.EVE),
        )
        self.assertEqual(
            (after.name, after.short_name, after.admin_code, after.locality_type),
            (
                "Ban Tổ chức Thành ủy Hải Phòng",
                "Hải Phòng",
                "32",
                "Thành phố trực thuộc Trung ương",
            ),
        )
        self.assertEqual(after.parent, self.root)

    def test_a_new_statistical_code_alone_keeps_the_survivors_names(self):
        registry.merge_units(
            [self.hai_duong, self.hai_phong],
            actor=None,
            effective_date=self.MERGER,
            into=self.hai_phong,
            successor_admin_code="30",
        )
        self.assertEqual(self.hai_phong.version_on(self.EVE).admin_code, "31")
        after = self.hai_phong.version_on(self.MERGER)
        self.assertEqual((after.short_name, after.admin_code), ("Hải Phòng", "30"))

    def test_merging_into_a_new_unit_creates_it_on_the_merger_day(self):
        event = registry.merge_units(
            [self.hai_duong, self.hai_phong],
            actor=None,
            effective_date=self.MERGER,
            new_unit=board("Hải Đông", "BTC-HD", parent=self.root),
        )
        new = Unit.objects.get(code="BTC-HD")
        self.assertEqual(new.first_day, self.MERGER)
        self.assertEqual(new.latest_version.event, event)
        self.assertEqual(self.hai_duong.last_day, self.EVE)
        self.assertEqual(self.hai_phong.last_day, self.EVE)
        self.assertEqual(set(event.units.all()), {self.hai_duong, self.hai_phong, new})
        self.assertEqual(
            set(LineageLink.objects.values_list("predecessor", "successor")),
            {(self.hai_duong.pk, new.pk), (self.hai_phong.pk, new.pk)},
        )
        self.assertEqual(registry.resolve(self.hai_phong, self.MERGER), [new])

    def test_a_new_successor_may_take_the_name_of_an_absorbed_unit(self):
        """The absorbed units end the day before, so their names are free on the merger day."""
        registry.merge_units(
            [self.hai_duong, self.hai_phong],
            actor=None,
            effective_date=self.MERGER,
            new_unit=board("Hải Phòng", "BTC-HP-MOI", parent=self.root),
        )
        self.assertEqual(
            Unit.objects.get(code="BTC-HP-MOI").latest_version.name, "Ban Tổ chức Tỉnh ủy Hải Phòng"
        )

    def test_resolve_gives_the_survivor_from_the_merger_day_and_the_unit_itself_before(self):
        registry.merge_units(
            [self.hai_duong], actor=None, effective_date=self.MERGER, into=self.hai_phong
        )
        self.assertEqual(registry.resolve(self.hai_duong, self.EVE), [self.hai_duong])
        self.assertEqual(registry.resolve(self.hai_duong, self.MERGER), [self.hai_phong])
        self.assertEqual(registry.resolve(self.hai_duong, D(2030, 1, 1)), [self.hai_phong])
        self.assertEqual(registry.resolve(self.hai_phong, self.EVE), [self.hai_phong])
        self.assertEqual(registry.resolve(self.hai_phong, self.MERGER), [self.hai_phong])

    def test_predecessors_and_successors_are_transitive_across_two_generations(self):
        """Hải Dương + Hải Phòng → new Hải Đông (2015), then Hải Đông + Quảng Ninh →
        Quảng Ninh (2020): both generations are found, nearest first."""
        quang_ninh = make_unit("Quảng Ninh", parent=self.root)
        first = registry.merge_units(
            [self.hai_duong, self.hai_phong],
            actor=None,
            effective_date=D(2015, 1, 1),
            new_unit=board("Hải Đông", "BTC-HD", parent=self.root),
        )
        hai_dong = Unit.objects.get(code="BTC-HD")
        second = registry.merge_units(
            [hai_dong], actor=None, effective_date=D(2020, 1, 1), into=quang_ninh
        )

        found = registry.predecessors(quang_ninh)
        self.assertEqual(found[0][0], hai_dong)
        self.assertEqual(found[0][1].event, second)
        self.assertEqual({u for u, _ in found[1:]}, {self.hai_duong, self.hai_phong})
        self.assertEqual({link.event for _, link in found[1:]}, {first})
        self.assertEqual(
            [u for u, _ in registry.successors(self.hai_duong)], [hai_dong, quang_ninh]
        )
        self.assertEqual(
            {u for u, _ in registry.predecessors(hai_dong)}, {self.hai_duong, self.hai_phong}
        )
        self.assertEqual(registry.successors(quang_ninh), [])
        self.assertEqual(registry.predecessors(self.hai_duong), [])

        self.assertEqual(registry.resolve(self.hai_duong, D(2014, 12, 31)), [self.hai_duong])
        self.assertEqual(registry.resolve(self.hai_duong, D(2015, 1, 1)), [hai_dong])
        self.assertEqual(registry.resolve(self.hai_duong, D(2019, 12, 31)), [hai_dong])
        self.assertEqual(registry.resolve(self.hai_duong, D(2020, 1, 1)), [quang_ninh])

    def test_it_refuses_a_merge_of_fewer_than_two_units(self):
        with self.assertRefused("ít nhất hai đơn vị", *LINEAGE):
            registry.merge_units(
                [self.hai_phong], actor=None, effective_date=self.MERGER, into=self.hai_phong
            )
        with self.assertRefused("ít nhất hai đơn vị", *LINEAGE):
            registry.merge_units(
                [self.hai_duong, self.hai_duong],
                actor=None,
                effective_date=self.MERGER,
                new_unit=board("Hải Đông", "BTC-HD"),
            )
        with self.assertRefused("ít nhất hai đơn vị", *LINEAGE):
            registry.merge_units(
                [], actor=None, effective_date=self.MERGER, new_unit=board("Hải Đông", "BTC-HD")
            )

    def test_it_refuses_a_merge_without_exactly_one_successor(self):
        with self.assertRefused("đúng một đơn vị kế thừa", *LINEAGE):
            registry.merge_units(
                [self.hai_duong, self.hai_phong], actor=None, effective_date=self.MERGER
            )
        with self.assertRefused("đúng một đơn vị kế thừa", *LINEAGE):
            registry.merge_units(
                [self.hai_duong, self.hai_phong],
                actor=None,
                effective_date=self.MERGER,
                into=self.hai_phong,
                new_unit=board("Hải Đông", "BTC-HD"),
            )

    def test_a_merge_refused_halfway_leaves_the_sources_untouched(self):
        """The new unit's code clashes only after the sources were closed: all is rolled back."""
        with self.assertRefused("đã được dùng", *LINEAGE):
            registry.merge_units(
                [self.hai_duong, self.hai_phong],
                actor=None,
                effective_date=self.MERGER,
                new_unit=board("Hải Đông", "BTCTW"),
            )
        self.assertIsNone(self.hai_duong.last_day)
        self.assertIsNone(self.hai_phong.last_day)


class SplitTests(RegistryTestCase):
    DAY = D(2010, 1, 1)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_unit("Hà Sơn Bình", parent=cls.root)

    def test_a_split_ends_the_unit_and_links_it_to_each_new_part(self):
        event = registry.split_unit(
            self.source,
            actor=None,
            effective_date=self.DAY,
            parts=[
                NewUnit(
                    code="HB",
                    name="Ban Tổ chức Tỉnh ủy Hòa Bình",
                    short_name="Hòa Bình",
                    parent=self.root,
                ),
                NewUnit(
                    code="HT",
                    name="Ban Tổ chức Tỉnh ủy Hà Tây",
                    short_name="Hà Tây",
                    parent=self.root,
                ),
            ],
        )
        hoa_binh, ha_tay = Unit.objects.get(code="HB"), Unit.objects.get(code="HT")
        self.assertEqual(event.kind, LineageEvent.Kind.SPLIT)
        self.assertEqual(set(event.units.all()), {self.source, hoa_binh, ha_tay})
        self.assertEqual(self.source.last_day, D(2009, 12, 31))
        for part in (hoa_binh, ha_tay):
            self.assertEqual(part.first_day, self.DAY)
            self.assertEqual(part.kind, self.source.kind)  # inherited when not given
            self.assertEqual([u for u, _ in registry.predecessors(part)], [self.source])
        self.assertEqual({u for u, _ in registry.successors(self.source)}, {hoa_binh, ha_tay})
        self.assertEqual(set(registry.resolve(self.source, self.DAY)), {hoa_binh, ha_tay})
        self.assertEqual(registry.resolve(self.source, D(2009, 12, 31)), [self.source])

    def test_a_continuing_source_keeps_its_version_and_gains_a_linked_part(self):
        registry.split_unit(
            self.source,
            actor=None,
            effective_date=self.DAY,
            parts=[board("Hòa Bình", "HB", parent=self.root)],
            source_continues=True,
        )
        self.assertEqual(self.source.versions.count(), 1)
        self.assertIsNone(self.source.last_day)
        self.assertEqual(
            [u for u, _ in registry.successors(self.source)], [Unit.objects.get(code="HB")]
        )
        self.assertEqual(registry.resolve(self.source, self.DAY), [self.source])

    def test_it_refuses_a_split_into_fewer_than_two_parts_unless_the_source_continues(self):
        with self.assertRefused("ít nhất hai đơn vị mới", *LINEAGE):
            registry.split_unit(
                self.source, actor=None, effective_date=self.DAY, parts=[board("Hòa Bình", "HB")]
            )
        with self.assertRefused("ít nhất hai đơn vị mới", *LINEAGE):
            registry.split_unit(
                self.source, actor=None, effective_date=self.DAY, parts=[], source_continues=True
            )

    def test_a_split_refused_at_its_second_part_leaves_nothing_behind(self):
        with self.assertRefused("Đã có đơn vị tên", *LINEAGE):
            registry.split_unit(
                self.source,
                actor=None,
                effective_date=self.DAY,
                parts=[
                    board("Hòa Bình", "HB", parent=self.root),
                    board("HÒA BÌNH", "HB2", parent=self.root),
                ],
            )
        self.assertIsNone(self.source.last_day)


class DissolveTests(RegistryTestCase):
    DAY = D(2020, 1, 1)

    def test_dissolving_ends_the_unit_the_day_before_and_keeps_its_history(self):
        unit = make_unit("Hà Tây", parent=self.root)
        event = registry.dissolve_unit(
            unit, actor=None, effective_date=self.DAY, legal_basis="Nghị quyết 15/2008/QH12"
        )
        self.assertEqual(event.kind, LineageEvent.Kind.DISSOLVE)
        self.assertEqual(list(event.units.all()), [unit])
        self.assertEqual(unit.last_day, D(2019, 12, 31))
        self.assertEqual(unit.version_on(D(2019, 12, 31)).short_name, "Hà Tây")
        self.assertIn(unit, Unit.objects.as_of(D(2019, 12, 31)))
        self.assertNotIn(unit, Unit.objects.as_of(self.DAY))
        self.assertEqual(registry.resolve(unit, self.DAY), [])

    def test_it_refuses_to_dissolve_a_unit_that_still_has_children(self):
        department = make_unit(
            "Vụ Địa phương I", name="Vụ Địa phương I", parent=self.root, kind_code="department"
        )
        make_unit("Bắc Ninh", parent=department)
        with self.assertRefused("còn đơn vị trực thuộc (Bắc Ninh)", *LINEAGE):
            registry.dissolve_unit(department, actor=None, effective_date=self.DAY)
        self.assertIsNone(department.last_day)

    def test_it_dissolves_a_parent_whose_children_ended_earlier(self):
        department = make_unit(
            "Vụ Địa phương I", name="Vụ Địa phương I", parent=self.root, kind_code="department"
        )
        child = make_unit("Bắc Ninh", parent=department)
        registry.dissolve_unit(child, actor=None, effective_date=D(2019, 12, 1))
        registry.dissolve_unit(department, actor=None, effective_date=self.DAY)
        self.assertEqual(department.last_day, D(2019, 12, 31))


class LineageCycleTests(RegistryTestCase):
    """A unit may never (transitively) succeed itself."""

    def test_it_refuses_merging_a_split_off_part_back_into_its_continuing_source(self):
        """Chronology catches most cycles first: an absorbed or split unit has ended, so it can
        never be a survivor later. The one way to reach ``_check_no_cycle`` through the services
        is a split whose source continues: A → B (2010), then B merged into A (2015) would add
        B → A, closing the loop A → B → A. The merge is refused and rolled back."""
        source = make_unit("Hà Sơn Bình", parent=self.root)
        registry.split_unit(
            source,
            actor=None,
            effective_date=D(2010, 1, 1),
            parts=[board("Hòa Bình", "HB", parent=self.root)],
            source_continues=True,
        )
        part = Unit.objects.get(code="HB")
        with self.assertRefused("vòng lặp kế thừa", *LINEAGE):
            registry.merge_units([part], actor=None, effective_date=D(2015, 1, 1), into=source)
        self.assertIsNone(part.last_day)

    def test_the_cycle_check_sees_self_links_and_transitive_loops(self):
        """``_check_no_cycle(predecessor, successor)`` directly, over a chain A → B → C."""
        a = make_unit("A", parent=self.root)
        b = make_unit("B", parent=self.root)
        c = make_unit("C", parent=self.root)
        registry.merge_units([a], actor=None, effective_date=D(2010, 1, 1), into=b)
        registry.merge_units([b], actor=None, effective_date=D(2015, 1, 1), into=c)
        for predecessor, successor in [(a, a), (b, a), (c, a), (c, b)]:
            with self.assertRefused("vòng lặp kế thừa"):
                registry._check_no_cycle(predecessor, successor)
        registry._check_no_cycle(a, c)  # a shortcut along the lineage is no loop


class AuditTrailTests(RegistryTestCase):
    """Every write leaves audit entries naming the actor, with before and after values."""

    def assert_all_by_user(self, entries):
        self.assertTrue(entries)
        self.assertEqual({e.actor for e in entries}, {self.user})

    def created(self, entries, model):
        return [
            e for e in entries if e.action == "create" and e.content_type.model_class() is model
        ]

    def updated(self, entries, model):
        return [
            e for e in entries if e.action == "update" and e.content_type.model_class() is model
        ]

    def test_creating_a_unit_records_the_event_the_unit_and_its_version(self):
        since = self.last_audit_id()
        unit = registry.create_unit(
            board("Bắc Ninh", "BTC-27", parent=self.root), actor=self.user, valid_from=START
        )
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        self.assertEqual(len(entries), 3)
        (unit_entry,) = self.created(entries, Unit)
        (version_entry,) = self.created(entries, UnitVersion)
        (event_entry,) = self.created(entries, LineageEvent)
        self.assertEqual(unit_entry.object_id, str(unit.pk))
        self.assertEqual(unit_entry.after["code"], "BTC-27")
        self.assertIsNone(unit_entry.before)
        self.assertEqual(version_entry.after["name"], "Ban Tổ chức Tỉnh ủy Bắc Ninh")
        self.assertEqual(version_entry.after["valid_from"], "2008-08-01")
        self.assertEqual(version_entry.after["parent_id"], self.root.pk)
        self.assertEqual(event_entry.after["kind"], "establish")

    def test_a_rename_records_the_closed_version_before_and_after_and_the_new_one(self):
        unit = make_unit("Thừa Thiên Huế", parent=self.root)
        old = unit.versions.get()
        since = self.last_audit_id()
        registry.rename_unit(
            unit,
            actor=self.user,
            effective_date=D(2025, 1, 1),
            name="Ban Tổ chức Thành ủy Huế",
            short_name="Huế",
        )
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        (closed,) = self.updated(entries, UnitVersion)
        self.assertEqual(closed.object_id, str(old.pk))
        self.assertEqual(closed.changed_fields(), [("valid_to", None, "2024-12-31")])
        self.assertEqual(closed.before["name"], "Ban Tổ chức Tỉnh ủy Thừa Thiên Huế")
        (opened,) = self.created(entries, UnitVersion)
        self.assertIsNone(opened.before)
        self.assertEqual(
            (opened.after["short_name"], opened.after["valid_from"]), ("Huế", "2025-01-01")
        )
        self.assertEqual(len(self.created(entries, LineageEvent)), 1)

    def test_a_merge_records_each_closed_version_and_each_link(self):
        a = make_unit("Hà Nam", parent=self.root)
        b = make_unit("Nam Định", parent=self.root)
        c = make_unit("Ninh Bình", parent=self.root)
        since = self.last_audit_id()
        registry.merge_units([a, b, c], actor=self.user, effective_date=D(2025, 7, 1), into=c)
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        closed = self.updated(entries, UnitVersion)
        self.assertEqual(
            {e.object_id for e in closed}, {str(a.versions.get().pk), str(b.versions.get().pk)}
        )
        for entry in closed:
            self.assertEqual(entry.changed_fields(), [("valid_to", None, "2025-06-30")])
        links = self.created(entries, LineageLink)
        self.assertEqual(
            {(e.after["predecessor_id"], e.after["successor_id"]) for e in links},
            {(a.pk, c.pk), (b.pk, c.pk)},
        )
        self.assertEqual(len(self.created(entries, LineageEvent)), 1)

    def test_a_merge_into_a_new_unit_records_the_new_unit_and_its_version(self):
        a = make_unit("Hà Nam", parent=self.root)
        b = make_unit("Nam Định", parent=self.root)
        since = self.last_audit_id()
        registry.merge_units(
            [a, b],
            actor=self.user,
            effective_date=D(2025, 7, 1),
            new_unit=board("Nam Hà", "NH", parent=self.root),
        )
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        self.assertEqual([e.after["code"] for e in self.created(entries, Unit)], ["NH"])
        self.assertEqual(len(self.created(entries, UnitVersion)), 1)
        self.assertEqual(len(self.updated(entries, UnitVersion)), 2)
        self.assertEqual(len(self.created(entries, LineageLink)), 2)

    def test_a_split_and_a_dissolution_record_their_changes(self):
        source = make_unit("Hà Sơn Bình", parent=self.root)
        since = self.last_audit_id()
        registry.split_unit(
            source,
            actor=self.user,
            effective_date=D(2010, 1, 1),
            parts=[
                board("Hòa Bình", "HB", parent=self.root),
                board("Hà Tây", "HT", parent=self.root),
            ],
        )
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        (closed,) = self.updated(entries, UnitVersion)
        self.assertEqual(closed.changed_fields(), [("valid_to", None, "2009-12-31")])
        self.assertEqual(len(self.created(entries, Unit)), 2)
        self.assertEqual(len(self.created(entries, LineageLink)), 2)

        ha_tay = Unit.objects.get(code="HT")
        since = self.last_audit_id()
        registry.dissolve_unit(ha_tay, actor=self.user, effective_date=D(2015, 1, 1))
        entries = self.new_audit_entries(since)
        self.assert_all_by_user(entries)
        self.assertEqual(len(entries), 2)
        (closed,) = self.updated(entries, UnitVersion)
        self.assertEqual(closed.object_id, str(ha_tay.versions.get().pk))
        self.assertEqual(closed.changed_fields(), [("valid_to", None, "2014-12-31")])
        (event_entry,) = self.created(entries, LineageEvent)
        self.assertEqual(event_entry.after["kind"], "dissolve")
        self.assertEqual(event_entry.after["created_by_id"], self.user.pk)

    def test_writes_without_a_user_are_recorded_without_an_actor(self):
        since = self.last_audit_id()
        make_unit("Bắc Ninh", parent=self.root)
        entries = self.new_audit_entries(since)
        self.assertEqual(len(entries), 3)
        self.assertEqual({e.actor for e in entries}, {None})

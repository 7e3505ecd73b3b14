"""registry.names_on: the names units bore on a day, for many units in one query.

Rule: the version in force on the day; a unit that no longer exists keeps its last name (a
merged province still shows its name in the rankings of its last years); a unit not yet
established shows its first name; a unit without any version is left out.
"""

import datetime

from django.test import TestCase

from organizations.models import Unit, UnitVersion
from organizations.services import registry
from organizations.testing import kind, make_unit

D = datetime.date


class NamesOnTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.hai_phong = make_unit("Hải Phòng", name="Ban Tổ chức Thành ủy Hải Phòng")
        cls.hai_duong = make_unit("Hải Dương")
        registry.merge_units(
            [cls.hai_duong],
            into=cls.hai_phong,
            actor=None,
            effective_date=D(2025, 7, 1),
            successor_name="Ban Tổ chức Thành ủy Hải Phòng (mới)",
            successor_short_name="Hải Phòng mới",
        )
        cls.ha_tay = make_unit("Hà Tây")
        registry.rename_unit(
            cls.ha_tay,
            actor=None,
            effective_date=D(2010, 1, 1),
            name="Ban Tổ chức Tỉnh ủy Hà Tây (đổi tên)",
            short_name="Hà Tây 2",
        )
        cls.newcomer = make_unit("Tỉnh mới", valid_from=D(2020, 1, 1))
        registry.rename_unit(
            cls.newcomer, actor=None, effective_date=D(2022, 1, 1), name="Tên sau", short_name="Sau"
        )

    def test_a_renamed_unit_bears_each_name_in_its_own_period(self):
        ids = [self.ha_tay.pk]
        self.assertEqual(registry.names_on(ids, D(2009, 12, 31), short=True), {ids[0]: "Hà Tây"})
        self.assertEqual(registry.names_on(ids, D(2010, 1, 1), short=True), {ids[0]: "Hà Tây 2"})
        self.assertEqual(
            registry.names_on(ids, D(2009, 12, 31)), {ids[0]: "Ban Tổ chức Tỉnh ủy Hà Tây"}
        )
        self.assertEqual(
            registry.names_on(ids, D(2010, 1, 1)),
            {ids[0]: "Ban Tổ chức Tỉnh ủy Hà Tây (đổi tên)"},
        )

    def test_an_absorbed_unit_keeps_its_last_name_after_the_merge(self):
        ids = [self.hai_duong.pk, self.hai_phong.pk]
        self.assertEqual(
            registry.names_on(ids, D(2024, 12, 31), short=True),
            {self.hai_duong.pk: "Hải Dương", self.hai_phong.pk: "Hải Phòng"},
        )
        self.assertEqual(
            registry.names_on(ids, D(2025, 12, 31), short=True),
            {self.hai_duong.pk: "Hải Dương", self.hai_phong.pk: "Hải Phòng mới"},
        )
        # the day before the merge: the old names; the merge day: the successor's new name
        self.assertEqual(
            registry.names_on([self.hai_phong.pk], D(2025, 6, 30), short=True),
            {self.hai_phong.pk: "Hải Phòng"},
        )
        self.assertEqual(
            registry.names_on([self.hai_phong.pk], D(2025, 7, 1), short=True),
            {self.hai_phong.pk: "Hải Phòng mới"},
        )

    def test_a_unit_not_yet_established_shows_its_first_name(self):
        self.assertEqual(
            registry.names_on([self.newcomer.pk], D(2015, 1, 1), short=True),
            {self.newcomer.pk: "Tỉnh mới"},
        )
        self.assertEqual(
            registry.names_on([self.newcomer.pk], D(2023, 1, 1), short=True),
            {self.newcomer.pk: "Sau"},
        )

    def test_a_blank_short_name_falls_back_to_the_full_name(self):
        version = self.newcomer.versions.get(valid_from=D(2022, 1, 1))
        UnitVersion.objects.filter(pk=version.pk).update(short_name="")
        self.assertEqual(
            registry.names_on([self.newcomer.pk], D(2023, 1, 1), short=True),
            {self.newcomer.pk: "Tên sau"},
        )

    def test_units_without_any_version_and_unknown_ids_are_left_out(self):
        bare = Unit.objects.create(code="TRONG", kind=kind())
        self.assertEqual(
            registry.names_on([bare.pk, self.ha_tay.pk, 999_999], D(2024, 1, 1), short=True),
            {self.ha_tay.pk: "Hà Tây 2"},
        )

    def test_it_reads_once_however_many_units(self):
        with self.assertNumQueries(1):
            one = registry.names_on([self.ha_tay.pk], D(2024, 1, 1))
        many = [make_unit(f"Tỉnh {n}").pk for n in range(10)]
        with self.assertNumQueries(1):
            names = registry.names_on(iter([*many, self.ha_tay.pk]), D(2024, 1, 1), short=True)
        self.assertEqual(len(one), 1)
        self.assertEqual(len(names), 11)
        self.assertEqual(names[many[9]], "Tỉnh 9")

    def test_a_queryset_of_ids_is_read_as_a_subquery_in_the_same_query(self):
        ids = UnitVersion.objects.filter(short_name__startswith="Hải").values("unit")
        with self.assertNumQueries(1):
            names = registry.names_on(ids, D(2026, 1, 1), short=True)
        self.assertEqual(
            names, {self.hai_duong.pk: "Hải Dương", self.hai_phong.pk: "Hải Phòng mới"}
        )

    def test_no_units_cost_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(registry.names_on([], D(2024, 1, 1)), {})

    def test_the_expression_gives_each_unit_of_a_queryset_its_name_on_the_day(self):
        day = D(2009, 6, 1)
        units = Unit.objects.filter(
            pk__in=[self.ha_tay.pk, self.hai_duong.pk, self.newcomer.pk]
        ).annotate(label=registry.name_on(day, short=True))
        self.assertEqual(
            {u.pk: u.label for u in units},
            {
                self.ha_tay.pk: "Hà Tây",
                self.hai_duong.pk: "Hải Dương",
                self.newcomer.pk: "Tỉnh mới",
            },
        )

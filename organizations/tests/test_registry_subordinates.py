"""An ending unit may not leave subordinates behind; a parent must outlive its children."""

import datetime

from core.test import ThiDuaTestCase
from organizations.models import LineageEvent, LineageLink, Unit, UnitVersion
from organizations.services import registry
from organizations.testing import make_unit

DAY = datetime.date(2020, 1, 1)
REGISTRY = (Unit, UnitVersion, LineageEvent, LineageLink)


class SubordinateTests(ThiDuaTestCase):
    def setUp(self):
        self.parent = make_unit("Cha", name="Ban Tổ chức Tỉnh ủy Cha")
        self.child = make_unit(
            "Con", name="Ban Tổ chức Huyện ủy Con", parent=self.parent, kind_code="district_board"
        )

    def test_a_parent_can_be_dissolved_on_the_day_its_last_child_is(self):
        registry.dissolve_unit(self.child, actor=None, effective_date=DAY)
        registry.dissolve_unit(self.parent, actor=None, effective_date=DAY)
        self.assertEqual(self.parent.last_day, DAY - datetime.timedelta(days=1))

    def test_it_refuses_to_dissolve_a_parent_whose_child_lives_on(self):
        with self.assertRefused("còn đơn vị trực thuộc (Con)", *REGISTRY):
            registry.dissolve_unit(self.parent, actor=None, effective_date=DAY)

    def test_it_refuses_to_dissolve_a_parent_of_a_child_that_starts_later(self):
        registry.dissolve_unit(self.child, actor=None, effective_date=DAY)
        make_unit("Cháu", parent=self.parent, valid_from=datetime.date(2021, 1, 1))
        with self.assertRefused("còn đơn vị trực thuộc (Cháu)", *REGISTRY):
            registry.dissolve_unit(self.parent, actor=None, effective_date=DAY)

    def test_it_refuses_to_merge_away_a_unit_that_keeps_subordinates(self):
        survivor = make_unit("Sống")
        with self.assertRefused("còn đơn vị trực thuộc (Con)", *REGISTRY):
            registry.merge_units(
                [self.parent, survivor], actor=None, effective_date=DAY, into=survivor
            )

    def test_it_refuses_to_split_a_unit_that_keeps_subordinates(self):
        parts = [
            registry.NewUnit(code="A1", name="Phần A"),
            registry.NewUnit(code="B1", name="Phần B"),
        ]
        with self.assertRefused("còn đơn vị trực thuộc (Con)", *REGISTRY):
            registry.split_unit(self.parent, actor=None, effective_date=DAY, parts=parts)

    def test_it_refuses_a_child_under_a_parent_that_has_ended(self):
        registry.dissolve_unit(self.child, actor=None, effective_date=DAY)
        registry.dissolve_unit(self.parent, actor=None, effective_date=DAY)
        with self.assertRefused("chỉ hoạt động đến hết ngày 31/12/2019", *REGISTRY):
            make_unit("Muộn", parent=self.parent, valid_from=datetime.date(2010, 1, 1))

    def test_moving_a_child_away_then_dissolving_the_parent_is_allowed(self):
        other = make_unit("Khác")
        registry.rename_unit(
            self.child,
            actor=None,
            effective_date=DAY,
            name="Ban Tổ chức Huyện ủy Con",
            parent=other,
        )
        registry.dissolve_unit(self.parent, actor=None, effective_date=DAY)
        self.assertEqual(self.child.version_on(DAY).parent, other)

"""resolve() reads the registry afresh: a unit object fetched before a later merge ended it
still resolves to where its history went."""

import datetime

from django.test import TestCase

from organizations.services import registry
from organizations.testing import make_unit


class ResolveAfterLaterMergeTests(TestCase):
    def test_a_unit_fetched_before_it_merged_again_resolves_to_the_new_successor(self):
        a, b, d = make_unit("A"), make_unit("B"), make_unit("D")
        registry.merge_units(
            [a, b],
            actor=None,
            effective_date=datetime.date(2020, 7, 1),
            new_unit=registry.NewUnit(
                code="C", name="Ban Tổ chức Tỉnh ủy C", short_name="C", kind=a.kind
            ),
        )
        c = registry.resolve(a, datetime.date(2020, 7, 1))[0]  # versions prefetched now
        event = registry.merge_units(
            [c, d],
            actor=None,
            effective_date=datetime.date(2025, 7, 1),
            new_unit=registry.NewUnit(
                code="E", name="Ban Tổ chức Tỉnh ủy E", short_name="E", kind=a.kind
            ),
        )
        e = event.links.first().successor
        self.assertEqual(registry.resolve(c, datetime.date(2025, 7, 1)), [e])
        self.assertEqual(registry.resolve(a, datetime.date(2025, 7, 1)), [e])

"""Test helpers shared by every app."""

from contextlib import contextmanager

from django.test import TestCase

from core.exceptions import RuleViolation
from core.models import AuditEntry


class ThiDuaTestCase(TestCase):
    """A TestCase with assertions for refused actions."""

    @contextmanager
    def assertRefused(self, fragment: str = "", *models):
        """The block raises RuleViolation (whose message contains ``fragment``) and the row
        counts of ``models`` and of the audit log are the same afterwards: nothing changed."""
        counts = [m.objects.count() for m in (*models, AuditEntry)]
        with self.assertRaises(RuleViolation) as caught:
            yield caught
        self.assertIn(fragment, caught.exception.message)
        self.assertEqual(counts, [m.objects.count() for m in (*models, AuditEntry)])

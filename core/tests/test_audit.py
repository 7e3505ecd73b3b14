"""The audit trail: snapshots as JSON-ready data, entries with actor, before and after."""

import datetime
import decimal
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from core import audit
from core.models import ApiToken, AuditEntry


class SnapshotTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("chuyenvien")
        cls.token, _ = ApiToken.issue(cls.user, "Báo cáo tháng")

    def test_it_takes_every_concrete_field_with_foreign_keys_as_ids(self):
        data = audit.snapshot(self.token)
        self.assertEqual(
            set(data),
            {"id", "user_id", "name", "digest", "created_at", "last_used_at", "revoked_at"},
        )
        self.assertEqual(data["user_id"], self.user.pk)
        self.assertEqual(data["name"], "Báo cáo tháng")
        self.assertIsNone(data["revoked_at"])

    def test_dates_become_iso_strings_and_the_result_is_json_ready(self):
        data = audit.snapshot(self.token)
        self.assertEqual(data["created_at"], self.token.created_at.isoformat())
        self.assertEqual(json.loads(json.dumps(data)), data)

    def test_it_can_be_limited_to_some_fields(self):
        self.assertEqual(
            audit.snapshot(self.token, fields=["name", "user"]),
            {"name": "Báo cáo tháng", "user_id": self.user.pk},
        )

    def test_plain_values_for_dates_decimals_and_objects(self):
        self.assertEqual(audit._plain(datetime.date(2021, 12, 10)), "2021-12-10")
        self.assertEqual(audit._plain(decimal.Decimal("101.25")), "101.25")
        self.assertEqual(audit._plain(self.user), self.user.pk)
        self.assertEqual(audit._plain("Hà Nội"), "Hà Nội")


class RecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("chuyenvien")
        cls.token, _ = ApiToken.issue(cls.user, "Báo cáo tháng")

    def test_a_creation_stores_the_actor_and_a_snapshot_after(self):
        entry = audit.record(self.user, "create", self.token)
        entry.refresh_from_db()
        self.assertEqual(entry.actor, self.user)
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.content_type, ContentType.objects.get_for_model(ApiToken))
        self.assertEqual(entry.object_id, str(self.token.pk))
        self.assertEqual(entry.object_repr, str(self.token))
        self.assertIsNone(entry.before)
        self.assertEqual(entry.after, audit.snapshot(self.token))

    def test_an_update_stores_before_and_after_and_lists_the_changed_fields(self):
        before = audit.snapshot(self.token)
        self.token.name = "Báo cáo quý"
        self.token.save(update_fields=["name"])
        entry = audit.record(self.user, "update", self.token, before=before, reason="Đổi tên")
        entry.refresh_from_db()
        self.assertEqual(entry.before["name"], "Báo cáo tháng")
        self.assertEqual(entry.after["name"], "Báo cáo quý")
        self.assertEqual(entry.reason, "Đổi tên")
        self.assertEqual(entry.changed_fields(), [("name", "Báo cáo tháng", "Báo cáo quý")])

    def test_changed_fields_are_sorted_and_cover_keys_on_either_side(self):
        entry = AuditEntry(before={"b": 1, "a": 1, "same": 2}, after={"b": 2, "same": 2, "c": 3})
        self.assertEqual(entry.changed_fields(), [("a", 1, None), ("b", 1, 2), ("c", None, 3)])

    def test_a_creation_lists_every_field_as_changed_and_no_change_lists_none(self):
        created = audit.record(self.user, "create", self.token)
        self.assertEqual(
            created.changed_fields(),
            [(k, None, v) for k, v in sorted(audit.snapshot(self.token).items()) if v is not None],
        )
        unchanged = audit.record(self.user, "update", self.token, before=audit.snapshot(self.token))
        self.assertEqual(unchanged.changed_fields(), [])

    def test_a_deletion_has_no_after_unless_given(self):
        entry = audit.record(self.user, "delete", self.token, before=audit.snapshot(self.token))
        entry.refresh_from_db()
        self.assertEqual(entry.before["digest"], self.token.digest)
        self.assertIsNone(entry.after)

    def test_explicit_before_and_after_are_kept_as_given(self):
        entry = audit.record(
            self.user, "transition", self.token, before={"status": "nháp"}, after={"status": "gửi"}
        )
        entry.refresh_from_db()
        self.assertEqual((entry.before, entry.after), ({"status": "nháp"}, {"status": "gửi"}))
        self.assertEqual(entry.changed_fields(), [("status", "nháp", "gửi")])

    def test_no_user_or_an_anonymous_user_is_recorded_as_no_actor(self):
        for actor in (None, AnonymousUser()):
            with self.subTest(actor=actor):
                self.assertIsNone(audit.record(actor, "create", self.token).actor)

    def test_the_object_description_is_cut_to_300_characters(self):
        self.token.name = "x" * 400  # not saved: only the description matters here
        self.assertGreater(len(str(self.token)), 300)
        entry = audit.record(self.user, "update", self.token)
        entry.refresh_from_db()
        self.assertEqual(entry.object_repr, str(self.token)[:300])


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("chuyenvien")
        cls.token, _ = ApiToken.issue(cls.user, "Báo cáo tháng")
        cls.other, _ = ApiToken.issue(cls.user, "Khác")

    def test_it_lists_one_objects_entries_newest_first(self):
        first = audit.record(self.user, "create", self.token)
        audit.record(self.user, "create", self.other)
        second = audit.record(self.user, "update", self.token, before={"name": "cũ"})
        self.assertEqual(list(audit.history(self.token)), [second, first])
        self.assertEqual(audit.history(self.token)[0].actor, self.user)

    def test_it_ignores_entries_of_another_model_with_the_same_id(self):
        AuditEntry.objects.create(
            action="create",
            content_type=ContentType.objects.get_for_model(get_user_model()),
            object_id=str(self.token.pk),
            object_repr="người dùng",
        )
        self.assertEqual(list(audit.history(self.token)), [])

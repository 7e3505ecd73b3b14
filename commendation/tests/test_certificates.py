"""Certificates (Giấy khen, Bằng khen) as PDF, read back with pypdf (issue 4 §4).

The PDF tests need WeasyPrint's system libraries (Pango). Without them they are skipped with
the reason, unless THIDUA_REQUIRE_PDF=1 (CI, after installing them), where they fail."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import tempfile
import unicodedata

import time_machine
from django.test import override_settings

from commendation.certificates import (
    certificate_pdf,
    decision_certificates_data,
    decision_certificates_pdf,
    pdf_unavailable,
)
from commendation.models import Award, Level, Person, Subject
from commendation.services.decisions import revoke, revoke_decision
from commendation.testing import classify, make_party
from commendation.tests.test_decisions import (
    NOW,
    approved,
    issue,
    make_council,
    make_form,
    secretariat,
)
from core.test import ThiDuaTestCase
from organizations.services import registry

MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"thidua-test-certificates-{os.getpid()}")
NHUNG = "Nguyễn Thị Hồng Nhung"
CITATION = "Quyết định số 123-QĐ/BTCTW ngày 15 tháng 01 năm 2026"
PLACE_AND_DATE = "Hà Nội, ngày 15 tháng 01 năm 2026"
# A4 landscape in PDF points: 297 mm × 210 mm at 72 points to the inch.
A4_LANDSCAPE = (297 / 25.4 * 72, 210 / 25.4 * 72)


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, runs of whitespace as one space (lines wrap where they will)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()).strip() for page in reader.pages]


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class CertificateTestCase(ThiDuaTestCase):
    """A decision "Số 123-QĐ/BTCTW" of 15/01/2026 awarding Bằng khen to five people and
    one chi bộ, the chi bộ renamed three days after the decision."""

    @classmethod
    def setUpTestData(cls):
        party = make_party(communes=1, orgs_per_commune=2, members_per_org=3)
        cls.party = party
        names = [
            NHUNG,
            "Trần Văn An",
            "Lê Minh Dũng",
            "Phạm Văn Đức",
            "Đặng Thị Anh",
            "Vũ Văn Bình",  # not nominated
        ]
        # People are registry rows written by imports; the names are set directly here.
        for person, name in zip(party.people, names, strict=True):
            Person.objects.filter(pk=person.pk).update(full_name=name)
        cls.people = {
            p.full_name: p for p in Person.objects.filter(pk__in=[p.pk for p in party.people])
        }
        nhung = cls.people[NHUNG]
        # Rated in 2025 in her first chi bộ; she has moved to the second one since.
        classify(nhung, 2025, Level.EXCELLENT, unit=party.orgs[0])
        Person.objects.filter(pk=nhung.pk).update(unit=party.orgs[1])

        council = make_council(party.province)
        cls.actor = secretariat(council)
        cls.cell = party.orgs[1]
        people = approved(
            make_form(),
            party.orgs[0],
            council,
            people=[cls.people[n] for n in names[:5]],
            achievement="đã có thành tích xuất sắc trong công tác xây dựng Đảng năm 2025.",
        )
        cells = approved(
            make_form(Subject.UNIT, code="bang-khen-tap-the", name="Bằng khen tập thể"),
            party.communes[0],
            council,
            units=[cls.cell],
        )
        cls.decision = issue(
            [people, cells],
            cls.actor,
            number=123,
            signed_on=datetime.date(2026, 1, 15),
            signer="Hoàng Đăng Quang",
            signer_title="Phó Trưởng Ban Thường trực",
        )
        registry.rename_unit(
            cls.cell,
            actor=None,
            effective_date=datetime.date(2026, 1, 18),
            name="Chi bộ khu dân cư số 2, xã 1 (Hưng Yên)",
        )

    def award_of(self, name: str) -> Award:
        return Award.objects.get(decision=self.decision, person=self.people[name])


class CertificatePdfTests(CertificateTestCase):
    def setUp(self):
        super().setUp()
        reason = pdf_unavailable()
        if reason:
            if os.environ.get("THIDUA_REQUIRE_PDF") == "1":
                self.fail(f"THIDUA_REQUIRE_PDF=1 but the PDF cannot be made: {reason}")
            self.skipTest(reason)

    def test_a_certificate_reads_back_with_its_title_name_unit_reference_and_date(self):
        [text] = pages_text(certificate_pdf(self.award_of(NHUNG)))
        self.assertTrue(unicodedata.is_normalized("NFC", NHUNG))
        self.assertTrue(unicodedata.is_normalized("NFC", text))
        for expected in [
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "BAN CHẤP HÀNH TRUNG ƯƠNG",
            "BAN TỔ CHỨC TRUNG ƯƠNG",
            "BẰNG KHEN",
            f"Tặng đồng chí {NHUNG}",
            # where she was rated in 2025, not the chi bộ she is in now
            "Chi bộ thôn 1.1, xã 1 (Hưng Yên)",
            "Đã có thành tích xuất sắc trong công tác xây dựng Đảng năm 2025",
            CITATION,
            PLACE_AND_DATE,
            "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN THƯỜNG TRỰC Hoàng Đăng Quang",
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertNotIn("Chi bộ thôn 1.2", text)

    def test_the_page_is_a4_landscape_set_in_one_serif_face_that_has_every_letter(self):
        """Liberation Serif where the installed version has the Vietnamese letters (2.x),
        DejaVu Serif otherwise: never a word set in two faces."""
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(certificate_pdf(self.award_of(NHUNG))))
        [page] = reader.pages
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        self.assertAlmostEqual(width, A4_LANDSCAPE[0], delta=1)
        self.assertAlmostEqual(height, A4_LANDSCAPE[1], delta=1)
        fonts = {
            str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()
        }
        # "/ABCDEF+Liberation-Serif-BoldItalic" → "Liberation-Serif"
        families = {re.sub(r"^/[A-Z]{6}\+|(-Bold)?-?(Italic)?$", "", f) for f in fonts}
        self.assertEqual(len(families), 1, fonts)
        self.assertIn(families.pop(), {"Liberation-Serif", "DejaVu-Serif"})

    def test_a_collective_is_named_as_it_was_on_the_decision_date(self):
        award = Award.objects.get(decision=self.decision, unit=self.cell)
        [text] = pages_text(certificate_pdf(award))
        self.assertIn("Tặng Chi bộ thôn 1.2, xã 1 (Hưng Yên) Đảng bộ xã 1 (Hưng Yên)", text)
        self.assertNotIn("khu dân cư", text)
        # no achievement text in the dossier: the form's name and the year
        self.assertIn("Bằng khen tập thể năm 2025", text)

    def test_the_batch_has_one_page_per_award_not_revoked_in_vietnamese_order(self):
        """Collectives first, then people by given name: An < Anh < Dũng < Đức < Nhung
        (D before Đ, which code-point order puts after N)."""
        revoke(self.award_of("Lê Minh Dũng"), reason="Sai đối tượng", actor=self.actor)
        pages = pages_text(decision_certificates_pdf(self.decision))
        expected = [
            "Tặng Chi bộ thôn 1.2, xã 1 (Hưng Yên)",
            "Tặng đồng chí Trần Văn An",
            "Tặng đồng chí Đặng Thị Anh",
            "Tặng đồng chí Phạm Văn Đức",
            f"Tặng đồng chí {NHUNG}",
        ]
        self.assertEqual(len(pages), len(expected))
        for page, name in zip(pages, expected, strict=True):
            with self.subTest(name=name):
                self.assertIn(name, page)
                self.assertIn("BẰNG KHEN", page)
                self.assertIn(CITATION, page)
        self.assertFalse(any("Dũng" in page for page in pages))


class CertificateRefusalTests(CertificateTestCase):
    """Refused before any PDF is made: these run without WeasyPrint's libraries."""

    def test_a_revoked_award_has_no_certificate(self):
        award = self.award_of(NHUNG)
        revoke(award, reason="Kê khai không trung thực", actor=self.actor)
        with self.assertRefused("đã bị thu hồi (Kê khai không trung thực)", Award):
            certificate_pdf(award)

    def test_a_decision_with_every_award_revoked_has_no_batch(self):
        revoke_decision(self.decision, reason="Ban hành sai thẩm quyền", actor=self.actor)
        with self.assertRefused("không còn khen thưởng nào để in bằng", Award):
            decision_certificates_pdf(self.decision)

    def test_the_batch_data_takes_the_same_few_queries_whatever_its_size(self):
        # 1 the awards with their forms, people, nominees and decision; 2 the people's units
        # in the award year; 3 the awarded units' parents on the decision date; 4 the names
        # of all those units on that date (registry.names_on)
        with self.assertNumQueries(4):
            certificates = decision_certificates_data(self.decision)
        self.assertEqual(len(certificates), 6)


class CertificateNameTests(CertificateTestCase):
    """Units on the certificates bear their names on the decision date (registry.names_on);
    the data is read without WeasyPrint."""

    def by_award(self) -> dict[int, object]:
        return {c.award_id: c for c in decision_certificates_data(self.decision)}

    def test_units_and_parents_bear_their_names_on_the_decision_date(self):
        commune = self.party.communes[0]
        for day, name in [
            (datetime.date(2026, 1, 5), "Đảng bộ xã Đông Hưng"),
            (datetime.date(2026, 1, 20), "Đảng bộ phường Đông Hưng"),
        ]:
            registry.rename_unit(commune, actor=None, effective_date=day, name=name)
        certificates = self.by_award()
        collective = certificates[Award.objects.get(decision=self.decision, unit=self.cell).pk]
        # the chi bộ renamed three days after the decision; its commune ten days before it
        self.assertEqual(
            (collective.name, collective.unit),
            ("Chi bộ thôn 1.2, xã 1 (Hưng Yên)", "Đảng bộ xã Đông Hưng"),
        )
        self.assertEqual(
            certificates[self.award_of(NHUNG).pk].unit, "Chi bộ thôn 1.1, xã 1 (Hưng Yên)"
        )

    def test_a_unit_dissolved_before_the_decision_keeps_its_last_name(self):
        first = self.party.orgs[0]  # where Nhung was rated in 2025
        registry.rename_unit(
            first, actor=None, effective_date=datetime.date(2025, 6, 1), name="Chi bộ thôn Đông"
        )
        registry.dissolve_unit(first, actor=None, effective_date=datetime.date(2026, 1, 10))
        self.assertEqual(self.by_award()[self.award_of(NHUNG).pk].unit, "Chi bộ thôn Đông")

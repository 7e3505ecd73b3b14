import unicodedata

from django.test import SimpleTestCase

from core import text


class VietnameseOrderTests(SimpleTestCase):
    def test_it_sorts_letters_before_tones(self):
        """Letters decide first (a < ă < â, d < đ), tones only break ties."""
        names = ["Bình Định", "Bến Tre", "Bắc Ninh", "Bà Rịa - Vũng Tàu", "Bình Dương", "Bạc Liêu"]
        self.assertEqual(
            text.sorted_vi(names),
            ["Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Dương", "Bình Định"],
        )

    def test_every_d_name_sorts_before_every_đ_name(self):
        names = ["Đồng Nai", "Dương Kinh", "Đà Nẵng", "Duy Tiên"]
        self.assertEqual(text.sorted_vi(names), ["Duy Tiên", "Dương Kinh", "Đà Nẵng", "Đồng Nai"])

    def test_code_point_order_would_be_wrong(self):
        names = ["Thanh Hóa", "Thái Bình"]
        self.assertEqual(sorted(names), ["Thanh Hóa", "Thái Bình"])
        self.assertEqual(text.sorted_vi(names), ["Thái Bình", "Thanh Hóa"])

    def test_tones_follow_the_cldr_order(self):
        """none < huyền < hỏi < ngã < sắc < nặng."""
        self.assertEqual(
            text.sorted_vi(["mạ", "má", "mã", "mả", "mà", "ma"]),
            ["ma", "mà", "mả", "mã", "má", "mạ"],
        )

    def test_decomposed_input_sorts_like_composed(self):
        nfd = unicodedata.normalize("NFD", "Bắc Ninh")
        self.assertEqual(text.sort_key(nfd), text.sort_key("Bắc Ninh"))

    def test_people_sort_by_given_name_first(self):
        people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Anh", "Phạm Đức Bình"]
        self.assertEqual(
            sorted(people, key=text.person_sort_key),
            ["Trần Thị An", "Lê Anh", "Nguyễn Văn Bình", "Phạm Đức Bình"],
        )


class SearchKeyTests(SimpleTestCase):
    def test_case_accents_and_decomposition_are_ignored(self):
        expected = text.search_key("Bắc Ninh")
        self.assertEqual(expected, "bac ninh")
        for typed in [
            "bac ninh",
            "BẮC NINH",
            unicodedata.normalize("NFD", "Bắc Ninh"),
            "  Bắc   Ninh ",
        ]:
            self.assertEqual(text.search_key(typed), expected)

    def test_đ_matches_d(self):
        self.assertEqual(text.search_key("Đắk Lắk"), "dak lak")

    def test_normalize_composes_and_trims(self):
        self.assertEqual(text.normalize(unicodedata.normalize("NFD", " Hà  Nội ")), "Hà Nội")
        self.assertTrue(
            unicodedata.is_normalized("NFC", text.normalize(unicodedata.normalize("NFD", "Hà Nội")))
        )

    def test_name_key_keeps_diacritics(self):
        self.assertNotEqual(text.name_key("Hà Nam"), text.name_key("Hải Nam"))
        self.assertEqual(text.name_key("HÀ NAM"), text.name_key("hà nam"))

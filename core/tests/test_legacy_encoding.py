"""Legacy font encodings: TCVN3 (ABC) and VNI text is found and repaired, Unicode is left alone."""

import csv
import unicodedata
from pathlib import Path

import pytest

from core import legacy
from core.legacy import TCVN3, VNI

DATA = Path(__file__).resolve().parents[2] / "organizations" / "data"
# The columns of organizations/data that hold Vietnamese names (";" separates several).
NAME_COLUMNS = {
    "clusters.csv": ["province"],
    "provinces_2025_mapping.csv": ["old_province", "new_province"],
    "provinces_34.csv": ["new_province", "type", "merged_from", "admin_centre"],
}


def _split(text: str) -> list[str]:
    return text.split()


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


UNIT_NAMES = sorted(
    {
        part
        for file, columns in NAME_COLUMNS.items()
        for row in _rows(file)
        for column in columns
        for part in row[column].split(";")
        if part
    }
)
CSV_VALUES = sorted(
    {value for file in NAME_COLUMNS for row in _rows(file) for value in row.values() if value}
)

# GNU libiconv, lib/tcvn.h (TCVN-5712), tcvn_2uni_2 for bytes 0xA0-0xFF. TCVN3 uses 0xA1-0xFE
# except the capitals with a tone and the combining marks that only full TCVN 5712 (VN1) has.
LIBICONV_TCVN_A0_FF = [
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,
]  # fmt: skip

# duydev/vietnamese-conversion (npm), src/charsets.ts: the UNICODE and VNI arrays, in order.
CHARSETS_TS_UNICODE = _split("""
    À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý à á â ã è é ê ì í ò ó ô õ ù ú ý Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư
    Ạ ạ Ả ả Ấ ấ Ầ ầ Ẩ ẩ Ẫ ẫ Ậ ậ Ắ ắ Ằ ằ Ẳ ẳ Ẵ ẵ Ặ ặ Ẹ ẹ Ẻ ẻ Ẽ ẽ Ế ế Ề ề Ể ể Ễ ễ Ệ ệ Ỉ ỉ Ị ị
    Ọ ọ Ỏ ỏ Ố ố Ồ ồ Ổ ổ Ỗ ỗ Ộ ộ Ớ ớ Ờ ờ Ở ở Ỡ ỡ Ợ ợ Ụ ụ Ủ ủ Ứ ứ Ừ ừ Ử ử Ữ ữ Ự ự Ỳ ỳ Ỵ ỵ Ỷ ỷ Ỹ ỹ
""")
CHARSETS_TS_VNI = _split("""
    AØ AÙ AÂ AÕ EØ EÙ EÂ Ì Í OØ OÙ OÂ OÕ UØ UÙ YÙ aø aù aâ aõ eø eù eâ ì í oø où oâ oõ uø uù
    yù AÊ aê Ñ ñ Ó ó UÕ uõ Ô ô Ö ö AÏ aï AÛ aû AÁ aá AÀ aà AÅ aå AÃ aã AÄ aä AÉ aé AÈ aè AÚ aú
    AÜ aü AË aë EÏ eï EÛ eû EÕ eõ EÁ eá EÀ eà EÅ eå EÃ eã EÄ eä Æ æ Ò ò OÏ oï OÛ oû OÁ oá OÀ
    oà OÅ oå OÃ oã OÄ oä ÔÙ ôù ÔØ ôø ÔÛ ôû ÔÕ ôõ ÔÏ ôï UÏ uï UÛ uû ÖÙ öù ÖØ öø ÖÛ öû ÖÕ öõ
    ÖÏ öï YØ yø Î î YÛ yû YÕ yõ
""")

# Legacy text as published by others, with its reading: not produced by to_legacy.
PUBLISHED_TCVN3 = [
    # duydev/vietnamese-conversion, tests/helpers/test-data.ts
    ("Xin chµo c¸c b¹n", "Xin chào các bạn"),
    ("T«i ®i häc", "Tôi đi học"),
    # the national motto as quoted by several public converters' tests
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("C¨n cø NghÞ ®Þnh sè 15/CP", "Căn cứ Nghị định số 15/CP"),
    ("quyÕt ®Þnh cña Bé tr\xadëng Bé Tµi chÝnh", "quyết định của Bộ trưởng Bộ Tài chính"),
    # place names of Lào Cai in a public convertTcvn3ToUnicode example
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("B¸t X¸t", "Bát Xát"),
    # a Ministry of Finance decision of November 2002, read as Latin-1 (public README)
    (
        "Hµ néi, ngµy 22 th¸ng 11 n¨m 2002\nvÒ viÖc söa ®æi møc thuÕ suÊt",
        "Hà nội, ngày 22 tháng 11 năm 2002\nvề việc sửa đổi mức thuế suất",
    ),
    # text in capitals (Excel's UPPER() or .VnTimeH) from a public converter's test
    ("CéNG HßA", "CỘNG HÒA"),
]
PUBLISHED_VNI = [
    # duydev/vietnamese-conversion, README and tests/helpers/test-data.ts
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Toâi ñi hoïc", "Tôi đi học"),
    # the national motto as quoted by several public converters' tests
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("ñöôïc giao nhieäm vuï, ngöôøi khai, ñaêng kyù", "được giao nhiệm vụ, người khai, đăng ký"),
]

# Legacy text that is also correct-looking Unicode: repair leaves it alone by design.
AMBIGUOUS = {
    (TCVN3, "Long An (cũ)"),  # "Long An (cò)"
    (VNI, "Hồ Chí Minh"),  # "Hoà Chí Minh"
    (VNI, "Sơn La"),  # "Sôn La"
}


def test_there_are_134_letters_outside_ascii():
    assert len(legacy.LETTERS) == len(set(legacy.LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", letter) for letter in legacy.LETTERS)


def test_the_tcvn3_table_agrees_with_gnu_libiconv():
    """Each letter is one TCVN 5712 byte; capitals with a tone share the lowercase byte."""
    for letter in legacy.LETTERS:
        code = legacy.to_legacy(letter, TCVN3)
        assert len(code) == 1 and 0xA1 <= ord(code) <= 0xFE, letter
        expected = letter if letter.islower() or letter in "ĂÂÊÔƠƯĐ" else letter.lower()
        assert chr(LIBICONV_TCVN_A0_FF[ord(code) - 0xA0]) == expected, letter


def test_the_vni_table_agrees_with_the_vietnamese_conversion_package():
    assert sorted(CHARSETS_TS_UNICODE) == sorted(legacy.LETTERS)
    for letter, code in zip(CHARSETS_TS_UNICODE, CHARSETS_TS_VNI, strict=True):
        assert legacy.to_legacy(letter, VNI) == code, letter


@pytest.mark.parametrize(("text", "expected"), PUBLISHED_TCVN3)
def test_published_tcvn3_text_is_repaired(text, expected):
    assert legacy.repair(text) == (expected, TCVN3)


@pytest.mark.parametrize(("text", "expected"), PUBLISHED_VNI)
def test_published_vni_text_is_repaired(text, expected):
    assert legacy.repair(text) == (expected, VNI)


@pytest.mark.parametrize(
    ("text", "expected", "encoding"),
    [
        ("Ban Tæ chøc TØnh ñy Qu¶ng Ninh", "Ban Tổ chức Tỉnh ủy Quảng Ninh", TCVN3),
        ("§¶ng", "Đảng", TCVN3),
        ("XuÊt s¾c", "Xuất sắc", TCVN3),
        ("Hoµn thµnh tèt nhiÖm vô", "Hoàn thành tốt nhiệm vụ", TCVN3),
        ("Vieät Nam", "Việt Nam", VNI),
        ("Ñaûng", "Đảng", VNI),
        ("Xuaát saéc", "Xuất sắc", VNI),
        ("Hoaøn thaønh toát nhieäm vuï", "Hoàn thành tốt nhiệm vụ", VNI),
    ],
)
def test_office_text_is_repaired_and_its_encoding_named(text, expected, encoding):
    assert legacy.detect(text) == encoding
    assert legacy.repair(text) == (expected, encoding)


def test_to_legacy_writes_the_published_forms():
    for text, expected in PUBLISHED_TCVN3[:8]:
        assert legacy.to_legacy(expected, TCVN3) == text
    for text, expected in PUBLISHED_VNI:
        assert legacy.to_legacy(expected, VNI) == text


def test_a_single_tcvn3_word_is_enough_when_it_cannot_be_unicode():
    """ "Tèt" is no Vietnamese syllable (huyền with a stop final); "Tốt" is."""
    assert legacy.repair("Tèt") == ("Tốt", TCVN3)
    assert legacy.repair("Kh¸") == ("Khá", TCVN3)


def test_tcvn3_capitals_with_a_tone_are_guessed_from_the_rest_of_the_word():
    assert legacy.to_legacy("Ổ", TCVN3) == legacy.to_legacy("ổ", TCVN3) == "æ"
    assert legacy.to_legacy("Đ Ă Â Ê Ô Ơ Ư", TCVN3) == "§ ¡ ¢ £ ¤ ¥ ¦"
    assert legacy.repair("TØNH ñY") == ("TỈNH ỦY", TCVN3)
    assert legacy.repair("BAN Tæ CHøC") == ("BAN TỔ CHỨC", TCVN3)
    assert legacy.repair("Ban Tæ chøc") == ("Ban Tổ chức", TCVN3)


def test_vni_capitals_keep_their_case_and_proper_case_modifiers_are_read():
    assert legacy.repair("VIEÄT NAM") == ("VIỆT NAM", VNI)
    assert legacy.repair("ÑAÛNG BOÄ") == ("ĐẢNG BỘ", VNI)
    assert legacy.repair("Aán Ñoä") == ("Ấn Độ", VNI)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
@pytest.mark.parametrize("letter", legacy.LETTERS)
def test_every_letter_survives_a_round_trip(letter, encoding):
    if letter in "đĐ":
        text = "Việt đi" if letter == "đ" else "VIỆT ĐI"
    else:
        text = f"Việt t{letter}n" if letter.islower() else f"VIỆT T{letter}N"
    legacy_text = legacy.to_legacy(text, encoding)
    assert legacy_text != text
    assert legacy.repair(legacy_text) == (text, encoding)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_every_unit_name_survives_a_round_trip(encoding):
    assert len(UNIT_NAMES) > 80
    missed = set()
    for name in UNIT_NAMES:
        legacy_text = legacy.to_legacy(name, encoding)
        fixed, found = legacy.repair(legacy_text)
        if legacy_text == name:  # plain ASCII: "Gia Lai"
            assert (fixed, found) == (name, None)
        elif (fixed, found) != (name, encoding):
            assert (fixed, found) == (legacy_text, None), name  # missed, never corrupted
            missed.add((encoding, name))
    assert missed == {item for item in AMBIGUOUS if item[0] == encoding}


def test_legacy_forms_of_correct_unicode_are_left_alone_by_design():
    assert legacy.repair("Sôn La") == ("Sôn La", None)
    assert legacy.decode("Sôn La", VNI) == "Sơn La"  # when the font says VNI-Times
    assert legacy.repair("Long An (cò)") == ("Long An (cò)", None)
    assert legacy.decode("Long An (cò)", TCVN3) == "Long An (cũ)"


@pytest.mark.parametrize("value", CSV_VALUES)
def test_no_value_in_the_reference_data_is_taken_for_legacy(value):
    assert legacy.detect(value) is None
    assert legacy.detect(unicodedata.normalize("NFD", value)) is None
    assert legacy.repair(value) == (value, None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ban Thi đua",
        "UBND",
        "2021",
        "101,25%",
        "1.234.567",
        "10/12/2021",
        "Điểm ≥ 90%",
        "Quảng Ninh",
        "Hà Nội – 2021",
        "café",
        "§ 3",
        "5 µm",
        "2 × 3",
        "© 2021",
        "Microsoft®",
        "Señor Muñoz",
        "Björk Müller",
        "Le café « crème » coûte trop cher à Paris, où l'été est chaud.",
        "Thanh Hoá",
        "Thái Bình",
        "Hoà Bình",
        "Cô Tô",
        "Cà Mau",
        "Hoàn thành tốt nhiệm vụ",
    ],
)
def test_ascii_numbers_unicode_and_stray_symbols_are_left_alone(text):
    assert legacy.detect(text) is None
    assert legacy.repair(text) == (text, None)


def test_nfd_vietnamese_is_not_legacy_and_comes_back_as_nfc():
    for text in ["Quảng Ninh", "Cộng hòa xã hội chủ nghĩa Việt Nam", "Thanh Hoá", "Cô Tô"]:
        nfd = unicodedata.normalize("NFD", text)
        assert legacy.detect(nfd) is None
        assert legacy.repair(nfd) == (text, None)


def test_repaired_text_is_nfc():
    for text, _ in PUBLISHED_TCVN3 + PUBLISHED_VNI:
        fixed, _ = legacy.repair(text)
        assert unicodedata.is_normalized("NFC", fixed)


def test_an_unknown_encoding_is_refused():
    with pytest.raises(ValueError):
        legacy.to_legacy("Việt", "viscii")
    with pytest.raises(ValueError):
        legacy.decode("Vieät", "VNI")

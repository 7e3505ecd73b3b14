"""Which rule set judges a year, and what it says about a level and a score.

Rules:
- a year is judged by the rule set in force on 31 December of that year (2024 → 124-QĐ/TW,
  2025 → 366-QĐ/TW, 2022 → 132-QĐ/TW);
- a score is on the 100-point scale: 0 to 100, at most two decimals, whatever the rule set;
- under a rule set with score bands (366-QĐ/TW: HTXSNV ≥ 90; HTTNV 70 to < 90; HTNV 50 to
  < 70; KHTNV < 50) a score is required, and the score's band is the best level allowed.
  A level better than the band is refused. A level worse than the band must be explained
  by a recorded disqualifier, with one exception: HTXSNV → HTTNV needs no explanation, since
  the quota (services.quota) moves people with ≥ 90 points down to HTTNV;
- under a rule set without bands (132, 124) any of the four levels is accepted; a score given
  there is checked for the 0..100 range only and plays no part in the level;
- a disqualifier (e.g. discipline at "khiển trách" or above) caps the level at its
  ``best_level``; a code the rule set does not know, or one that does not apply to the
  subject (a unit or a person), is itself refused;
- "tiêu biểu" (exemplary) goes only with HTXSNV.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import translation

from commendation.models import LEVEL_ABBREVIATIONS, Level, RuleSet, UnitClassification
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.numbers import parse_decimal
from core.templatetags.vn import format_points
from core.text import normalize, search_key
from organizations.models import Unit

SUBJECTS = {"unit": "tập thể", "person": "cá nhân"}
MAX_SCORE = Decimal(100)
CENT = Decimal("0.01")


def rule_set_for(year: int) -> RuleSet:
    day = datetime.date(year, 12, 31)
    found = (
        RuleSet.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .prefetch_related("bands", "disqualifiers")
        .first()
    )
    if found is None:
        raise RuleViolation(f"Không có quy định xếp loại nào có hiệu lực cho năm {year}.")
    return found


def level_name(level: int) -> str:
    """The level's full Vietnamese name, whatever the UI language (messages are Vietnamese)."""
    with translation.override("vi"):
        return str(Level(level).label)


def _shown(score: Decimal) -> str:
    """A score as typed, with the Vietnamese decimal comma (89.999 → "89,999")."""
    return f"{score:f}".replace(".", ",")


def _citation(rule_set: RuleSet) -> str:
    return f"Quy định {rule_set.code}"


def _band_text(band) -> str:
    low = format_points(band.min_score)
    if band.below is None:
        return f"từ {low} trở lên"
    if band.min_score == 0:
        return f"dưới {format_points(band.below)}"
    return f"{low} đến dưới {format_points(band.below)}"


def _band_of(rule_set: RuleSet, score: Decimal):
    for band in rule_set.bands.all():
        if band.min_score <= score and (band.below is None or score < band.below):
            return band
    return None


def band_for(rule_set: RuleSet, score: Decimal) -> int | None:
    """The level whose score band holds ``score`` (366: 90 → HTXSNV, 89,99 → HTTNV), or
    ``None`` when the rule set has no bands (132, 124). A score outside 0..100 is refused."""
    if not rule_set.has_score_bands:
        return None
    score = Decimal(score)
    if not score.is_finite() or not 0 <= score <= MAX_SCORE:
        raise RuleViolation(f"Điểm {_shown(score)} nằm ngoài thang 0 đến 100 điểm.")
    band = _band_of(rule_set, score)
    return band.level if band is not None else None


def check_level(
    rule_set: RuleSet,
    *,
    level: int,
    score: Decimal | None = None,
    disqualifiers: Iterable[str] = (),
    subject: str = "unit",
) -> list[str]:
    """Every reason ``level`` is not allowed under ``rule_set``, in Vietnamese and citing the
    rule set; an empty list when it is allowed. ``subject`` is "unit" or "person".

    - A score outside 0..100, or with more than two decimals, is a problem under any rule set.
    - Under a rule set without score bands (132, 124) a score is accepted and ignored for the
      band check: any level goes with any score, or with none.
    - Under a rule set with bands (366) a score is required: the procedure starts with a
      self-assessment on the 100-point scale, and without a score the level cannot be
      checked. The level may not be better than the score's band; it may be worse only as
      far as a recorded disqualifier caps it, or from HTXSNV to HTTNV (the quota).
    - Each disqualifier must be known to the rule set and apply to ``subject``; a level
      better than its cap is refused.
    """
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {sorted(SUBJECTS)}, not {subject!r}")
    cite = _citation(rule_set)
    if level not in Level.values:
        return [f"Mức xếp loại “{level}” không hợp lệ."]
    problems: list[str] = []

    score_refused = False
    if score is not None:
        score = Decimal(score)
        if not score.is_finite() or not 0 <= score <= MAX_SCORE:
            problems.append(f"Điểm {_shown(score)} nằm ngoài thang 0 đến 100 điểm.")
            score_refused = True
        elif score != score.quantize(CENT):
            problems.append(f"Điểm {_shown(score)} có quá hai chữ số thập phân.")
            score_refused = True

    known = {d.code: d for d in rule_set.disqualifiers.all()}
    caps = []
    for code in dict.fromkeys(disqualifiers):  # each code once, in the given order
        found = known.get(code)
        if found is None:
            problems.append(f"Điều kiện loại trừ “{code}” không có trong {cite}.")
            continue
        if found.applies_to not in ("any", subject):
            problems.append(
                f"Theo {cite}, điều kiện “{found.title}” chỉ áp dụng cho "
                f"{SUBJECTS[found.applies_to]}, không áp dụng cho {SUBJECTS[subject]}."
            )
            continue
        caps.append(found)
        if level < found.best_level:
            problems.append(
                f"Theo {cite}, khi có điều kiện “{found.title}”, mức cao nhất được xếp là "
                f"{level_name(found.best_level)}: không thể xếp {level_name(level)}."
            )
    worst_cap = max((d.best_level for d in caps), default=Level.EXCELLENT)

    if rule_set.has_score_bands:
        if score is None:
            problems.append(f"Theo {cite}, phải có điểm tự đánh giá (thang 100 điểm) để xếp loại.")
        elif not score_refused:
            band = _band_of(rule_set, score)
            if band is None:
                problems.append(f"Theo {cite}, {format_points(score)} điểm không thuộc mức nào.")
            elif level < band.level:
                problems.append(
                    f"Theo {cite}, {format_points(score)} điểm thuộc mức "
                    f"{level_name(band.level)} ({_band_text(band)}): "
                    f"không thể xếp {level_name(level)}."
                )
            else:
                allowed = max(band.level, worst_cap)
                quota_move = allowed == Level.EXCELLENT and level == Level.GOOD
                if level > allowed and not quota_move:
                    problems.append(
                        f"Theo {cite}, {format_points(score)} điểm thuộc mức "
                        f"{level_name(band.level)} ({_band_text(band)}): xếp "
                        f"{level_name(level)} phải nêu điều kiện loại trừ dẫn đến mức đó."
                    )
    return problems


def record_unit_classification(
    unit: Unit,
    year: int,
    *,
    level: int,
    actor,
    score=None,
    exemplary: bool = False,
    group: str = "",
    disqualifiers: Iterable[str] = (),
    proposed_by: str = "",
    decided_by: str = "",
    decided_on: datetime.date | None = None,
) -> UnitClassification:
    """Record (or correct) a collective's result for ``year``, judged by the rule set in force
    for that year. Refuses with every problem at once; writes the row and its audit entry
    (with the previous values on a correction) in one transaction."""
    rule_set = rule_set_for(year)
    score = parse_decimal(score, field="score")
    level = int(level) if isinstance(level, int) else level
    codes = list(dict.fromkeys(normalize(c) for c in disqualifiers if normalize(c)))
    problems = check_level(rule_set, level=level, score=score, disqualifiers=codes, subject="unit")
    if exemplary and level != Level.EXCELLENT:
        problems.append(
            f"“Tiêu biểu” chỉ ghi cho tập thể xếp {level_name(Level.EXCELLENT)}, "
            f"không ghi cùng {level_name(level) if level in Level.values else level}."
        )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if not Unit.objects.filter(pk=unit.pk).existing_during(first, last).exists():
        problems.append(f"Đơn vị “{unit}” không tồn tại trong năm {year}.")
    values = {
        "level": level,
        "score": score.quantize(CENT) if score is not None else None,
        "exemplary": bool(exemplary),
        "group": normalize(group),
        "disqualifiers": codes,
        "proposed_by": normalize(proposed_by),
        "decided_by": normalize(decided_by),
        "decided_on": decided_on,
        "rule_set": rule_set,
    }
    for name, limit in (("group", 40), ("proposed_by", 200), ("decided_by", 200)):
        if len(values[name]) > limit:
            field = UnitClassification._meta.get_field(name)
            with translation.override("vi"):
                label = str(field.verbose_name)
            problems.append(f"“{label.capitalize()}” dài quá {limit} ký tự.")
    if problems:
        raise RuleViolation(" ".join(problems))

    with transaction.atomic():
        existing = (
            UnitClassification.objects.select_for_update().filter(unit=unit, year=year).first()
        )
        if existing is None:
            result = UnitClassification.objects.create(unit=unit, year=year, **values)
            audit.record(actor, AuditEntry.Action.CREATE, result)
            return result
        before = audit.snapshot(existing)
        for name, value in values.items():
            setattr(existing, name, value)
        after = audit.snapshot(existing)
        if after == before:
            return existing
        existing.save(update_fields=[*values])
        audit.record(actor, AuditEntry.Action.UPDATE, existing, before=before, after=after)
        return existing


# Spellings of the four levels, compared after search_key with everything but letters and
# digits removed: whole keys only, so "Hoàn thành nhiệm vụ" never matches by prefix the
# "Hoàn thành tốt nhiệm vụ" or "Không hoàn thành nhiệm vụ" it resembles.
_SPELLINGS = {
    Level.EXCELLENT: [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành xuất sắc",
        "HT xuất sắc NV",
        "HTXSNV",
        "HTXS",
        "Xuất sắc",
        "1",
    ],
    Level.GOOD: [
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành tốt",
        "HT tốt NV",
        "HTTNV",
        "HTT",
        "Tốt",
        "2",
    ],
    Level.COMPLETED: [
        "Hoàn thành nhiệm vụ",
        "Hoàn thành",
        "HTNV",
        "HT",
        "3",
    ],
    Level.NOT_COMPLETED: [
        "Không hoàn thành nhiệm vụ",
        "Không hoàn thành",
        "Không HTNV",
        "KHTNV",
        "KHT",
        "4",
    ],
}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", search_key(text))


_LEVEL_BY_KEY = {_compact(s): level for level, spellings in _SPELLINGS.items() for s in spellings}


@functools.lru_cache(maxsize=512)
def _lookup(text: str) -> int | None:
    found = _LEVEL_BY_KEY.get(_compact(text))
    return int(found) if found is not None else None


def parse_level(text: str) -> int:
    """The level a user or a file wrote, in any common spelling ("Hoàn thành xuất sắc nhiệm
    vụ", "HTXSNV", "Xuất sắc", "xuat sac", "HT xuất sắc NV", "1"; likewise for the other
    three), ignoring case, accents, Unicode form, spaces and punctuation. Refuses anything
    else, including "HTXSNV tiêu biểu" (tiêu biểu is a separate field, never dropped)."""
    level = _lookup(str(text)) if text is not None else None
    if level is None:
        shown = normalize(str(text)) if text is not None else ""
        abbreviations = ", ".join(LEVEL_ABBREVIATIONS.values())
        raise RuleViolation(
            f"Mức xếp loại “{shown}” không hợp lệ. Ghi tên đầy đủ của mức hoặc viết tắt "
            f"({abbreviations}).",
            field="level",
        )
    return level

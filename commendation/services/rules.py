"""Which rule set judges a year, and what it says about a level and a score.

Rules:
- a year is judged by the rule set in force on 31 December of that year (2024 → 124-QĐ/TW,
  2025 → 366-QĐ/TW, 2022 → 132-QĐ/TW);
- (the rest of this module is being written: score bands, disqualifiers, refusal of a level
  that contradicts the score.)
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from commendation.models import RuleSet
from core.exceptions import RuleViolation


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

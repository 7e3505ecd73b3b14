"""Checks a form's conditions (``Form.conditions``) against what services.eligibility
understands, before they are saved from the admin (or anywhere else).

Rules:
- the conditions are a list of objects; each has a ``type`` that eligibility evaluates
  (``eligibility.EVALUATORS``) and the parameters of that type with values it can read:
  a level is 1–4 (HTXSNV … KHTNV), counts, years and ranks are whole numbers ≥ 1, a share is
  0–100, flags are true/false, a scope, a measure, a merge policy and a confidence are one of
  their values, a referenced form code exists in the catalogue (or is the form's own code);
- ``any_of`` / ``all_of`` hold a non-empty ``conditions`` list, checked the same way;
  ``confirmation`` needs a ``code`` (what the checker confirms);
- ``code``, ``label``, ``note`` and ``citation`` are free text on any condition; any other
  key is refused (a typo such as "yaers" would silently fall back to a default);
- every problem is reported at once, each with where it is ("Điều kiện 2, nhánh 1").
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from commendation.models import Confidence, Form, Level
from commendation.services import eligibility
from commendation.services.streaks import MergePolicy
from core.exceptions import RuleViolation

TEXT_KEYS = ("code", "label", "note", "citation")
BOOL, LEVEL, POSITIVE, PERCENT, FORM, TEXT = "bool", "level", "positive", "percent", "form", "text"
PARAMETERS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "classification": {
        "level": LEVEL,
        "years": POSITIVE,
        "exemplary": BOOL,
        "policy": tuple(MergePolicy.values),
    },
    "title": {"form": FORM, "years": POSITIVE, "times": POSITIVE, "within": POSITIVE},
    "initiative": {"scope": eligibility.INITIATIVE_SCOPES, "count": POSITIVE},
    "cluster_rank": {"rank": POSITIVE},
    "member_share": {
        "min_percent": PERCENT,
        "strict": BOOL,
        "measure": ("level", "title"),
        "level": LEVEL,
        "form": FORM,
    },
    "member_title": {"form": FORM, "count": POSITIVE},
    "no_exclusion": {},
    "any_of": {},
    "all_of": {},
    "confirmation": {},
    "uncatalogued": {},
}
REQUIRED = {"title": ("form",), "member_title": ("form",), "confirmation": ("code",)}
NESTED = ("any_of", "all_of")


def _value_problem(kind: str | tuple[str, ...], value: Any) -> str:
    """What is wrong with ``value`` for a parameter of ``kind``, or ""."""
    if isinstance(kind, tuple):
        return "" if value in kind else f"phải là một trong: {', '.join(kind)}"
    if kind == BOOL:
        return "" if isinstance(value, bool) else "phải là true hoặc false"
    if kind in (LEVEL, POSITIVE):
        if isinstance(value, bool) or not isinstance(value, int):
            return "phải là số nguyên"
        if kind == LEVEL and value not in Level.values:
            return "phải là 1 (HTXSNV), 2 (HTTNV), 3 (HTNV) hoặc 4 (KHTNV)"
        return "" if value >= 1 else "phải từ 1 trở lên"
    if kind == PERCENT:
        try:
            share = Decimal(str(value))
        except InvalidOperation:
            return "phải là một số từ 0 đến 100"
        ok = not isinstance(value, bool) and share.is_finite() and 0 <= share <= 100
        return "" if ok else "phải là một số từ 0 đến 100"
    if kind in (FORM, TEXT):
        return "" if isinstance(value, str) and value.strip() else "phải là chuỗi ký tự"
    return ""


def _check(condition: Any, where: str, problems: list[str], forms: set[str]) -> None:
    if not isinstance(condition, dict):
        problems.append(f"{where}: phải là một đối tượng JSON {{…}}.")
        return
    kind = condition.get("type")
    if kind not in eligibility.EVALUATORS:
        known = ", ".join(sorted(eligibility.EVALUATORS))
        problems.append(f"{where}: loại “{kind}” không được hỗ trợ; chọn một trong: {known}.")
        return
    parameters = PARAMETERS.get(kind, {})
    allowed = {"type", "confidence", *TEXT_KEYS, *parameters}
    if kind in NESTED:
        allowed.add("conditions")
    for key in sorted(set(condition) - allowed):
        problems.append(f"{where} ({kind}): khóa “{key}” không được dùng.")
    for key in REQUIRED.get(kind, ()):
        if key not in condition:
            problems.append(f"{where} ({kind}): thiếu “{key}”.")
    for key in TEXT_KEYS:
        if key in condition and not isinstance(condition[key], str):
            problems.append(f"{where} ({kind}): “{key}” phải là chuỗi ký tự.")
    if "confidence" in condition and condition["confidence"] not in Confidence.values:
        problems.append(
            f"{where} ({kind}): “confidence” phải là một trong: {', '.join(Confidence.values)}."
        )
    for key, parameter in parameters.items():
        if key in condition:
            problem = _value_problem(parameter, condition[key])
            if problem:
                problems.append(f"{where} ({kind}): “{key}” {problem}.")
            elif parameter == FORM:
                forms.add(condition[key])
    if kind == "member_share" and condition.get("measure") == "title" and "form" not in condition:
        problems.append(f"{where} ({kind}): đo theo danh hiệu (measure “title”) phải có “form”.")
    if kind in NESTED:
        branches = condition.get("conditions")
        if not isinstance(branches, list) or not branches:
            problems.append(f"{where} ({kind}): “conditions” phải là danh sách không rỗng.")
            return
        for index, branch in enumerate(branches, start=1):
            _check(branch, f"{where}, nhánh {index}", problems, forms)


def validate_conditions(conditions: Any, *, own_code: str = "") -> None:
    """Refuse (RuleViolation, every problem listed) conditions eligibility cannot evaluate as
    written. ``own_code`` is the code of the form being edited: it may refer to itself."""
    if not isinstance(conditions, list):
        raise RuleViolation("Điều kiện phải là một danh sách JSON […].", field="conditions")
    problems: list[str] = []
    forms: set[str] = set()
    for index, condition in enumerate(conditions, start=1):
        _check(condition, f"Điều kiện {index}", problems, forms)
    unknown = (
        forms - {own_code} - set(Form.objects.filter(code__in=forms).values_list("code", flat=True))
    )
    for code in sorted(unknown):
        problems.append(f"Mã danh hiệu, hình thức khen thưởng “{code}” không có trong danh mục.")
    if problems:
        raise RuleViolation(" ".join(problems), field="conditions")

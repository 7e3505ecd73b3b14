"""Bảng điểm pages: the sheet with every layer side by side (tự chấm, bình xét lần 1,
giải trình, bình xét lần 2, kết quả), entry of each layer cell by cell (htmx, with a plain
POST fallback), the workflow buttons, cell history, evidence files and the Excel round trip.

Each view: check access (emulation.permissions, 404 for missing and forbidden alike), call
one service, render the page or, for htmx requests, the changed row with the running totals.
Who sees what:
- the unit's own officers and the year's managers see every layer; the scores of each
  individual reviewer only those permissions.can_see_reviewers allows (managers, not the
  reviewed unit), and the reviewer unit that gave them;
- an aggregate review round is shown to the others only once the round is closed, so that
  a partial aggregate never reveals one reviewer's scores.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import RuleViolation
from core.templatetags.vn import format_points
from core.text import search_key
from emulation import forms_sheets as forms
from emulation import permissions
from emulation.models import (
    Aggregation,
    Criterion,
    Evidence,
    Score,
    ScoreSheet,
    SheetStatus,
    Stage,
)
from emulation.services import cycle, sheets
from organizations.models import Unit
from organizations.services import registry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MINUS = "\u2212"


# ---------------------------------------------------------------- building the page


@dataclass
class Row:
    """One line of the tree table: a group with its subtotals, or a leaf with its layers."""

    criterion: Criterion
    line: sheets.Line | None = None
    # group rows: the sum of the leaves below, per layer (None when nothing is scored yet)
    self_sum: Decimal | None = None
    review_sum: Decimal | None = None
    result_sum: Decimal | None = None
    # leaf rows
    review_diff: str = ""
    result_diff: str = ""
    inflated: bool = False
    reviews: list[tuple[str, Score]] = field(default_factory=list)
    second_reviews: list[tuple[str, Score]] = field(default_factory=list)
    self_evidence: list[Evidence] = field(default_factory=list)
    explanation_evidence: list[Evidence] = field(default_factory=list)
    can_self: bool = False
    can_review: bool = False
    can_explain: bool = False
    # what the entry inputs show (the stored values)
    self_input: dict = field(default_factory=dict)
    review_input: dict = field(default_factory=dict)
    explain_input: dict = field(default_factory=dict)
    error: str = ""

    @property
    def self_upload(self) -> bool:
        return self.can_self and self.line.self_score is not None

    @property
    def explain_upload(self) -> bool:
        return self.can_explain and self.line.explanation is not None

    @property
    def is_leaf(self) -> bool:
        return self.line is not None

    @property
    def depth(self) -> int:
        return self.criterion.depth

    @property
    def is_hand(self) -> bool:
        return self.criterion.method in sheets.HAND_METHODS


def _today() -> datetime.date:
    return timezone.localdate()


def _unit_names(ids) -> dict[int, str]:
    """Today's short names in one query, however many units (str(unit) costs one each)."""
    return registry.names_on(ids, _today(), short=True)


def _counted(cell: sheets.Cell | None, criterion: Criterion) -> Decimal | None:
    if cell is None or not cell.applicable or cell.points is None:
        return None
    return min(cell.points, criterion.max_points)


def _diff(mine: sheets.Cell | None, theirs: sheets.Cell | None) -> str:
    """The reviewed value against the self score, as a marker: "−2,5", "+1", "khác"."""
    if mine is None or theirs is None:
        return ""
    if (mine.points, mine.applicable) == (theirs.points, theirs.applicable):
        return ""
    if mine.applicable and theirs.applicable and None not in (mine.points, theirs.points):
        gap = theirs.points - mine.points
        return ("+" if gap > 0 else MINUS) + format_points(abs(gap))
    return _("khác tự chấm")


def _input(score: Score | None) -> dict:
    if score is None:
        return {"points": "", "na": False, "note": ""}
    return {
        "points": format_points(score.points),
        "na": not score.applicable,
        "note": score.note,
    }


def _review_stage(sheet: ScoreSheet) -> str:
    return {
        SheetStatus.SUBMITTED: Stage.REVIEW,
        SheetStatus.EXPLAINED: Stage.SECOND_REVIEW,
    }.get(sheet.status, "")


def _ancestors(criterion: Criterion) -> list[str]:
    parts = criterion.number.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _context(request, sheet: ScoreSheet, reviewer_pk: int | None = None) -> dict:
    """Everything the sheet page and its fragments show, for this user."""
    user = request.user
    period = sheet.period
    emulation_year = period.emulation_year
    today = _today()
    year_open = not emulation_year.is_closed
    status = sheet.status

    officer = permissions.can_edit_sheet(user, sheet)
    can_manage = permissions.can_manage_year(user, emulation_year)
    my_reviewer_units = permissions.reviewer_units_for(user, emulation_year)
    own_reviewer_ids = {u.pk for u in my_reviewer_units}
    show_reviewers = permissions.can_see_reviewers(user, sheet)
    layers = permissions.visible_layers(user, sheet)
    review_visible, second_visible, result_visible = layers.review, layers.second, layers.result

    locked = cycle.is_locked(sheet, today)
    not_yet_open = today < period.opens_on
    can_self = (
        officer and status == SheetStatus.DRAFT and year_open and not locked and not not_yet_open
    )
    can_explain = officer and status == SheetStatus.REVIEWED and year_open
    stage = _review_stage(sheet) if year_open else ""
    reviewer_choices = [u for u in my_reviewer_units if u.pk != sheet.unit_id] if stage else []
    reviewer = next((u for u in reviewer_choices if u.pk == reviewer_pk), None)
    if reviewer is None and reviewer_choices:
        reviewer = reviewer_choices[0]

    result = sheets.view(sheet)
    eligible = sheets.eligible_reviewers(sheet) if can_manage else []
    missing = []
    if can_manage and stage and year_open:
        missing = sheets.missing_reviews(sheet, stage)

    names = _unit_names(
        {sheet.unit_id}
        | {s.reviewer_id for line in result.lines for s in line.reviews + line.second_reviews}
        | {u.pk for u in reviewer_choices}
        | {u.pk for u in eligible}
    )

    evidence: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(score__sheet=sheet).order_by("uploaded_at", "pk"):
        evidence.setdefault(item.score_id, []).append(item)

    def visible(scores: list[Score]) -> list[tuple[str, Score]]:
        return sorted(
            (
                (names.get(s.reviewer_id, ""), s)
                for s in scores
                if show_reviewers or s.reviewer_id in own_reviewer_ids
            ),
            key=lambda pair: search_key(pair[0]),
        )

    def mine(scores: list[Score]) -> Score | None:
        return next((s for s in scores if reviewer and s.reviewer_id == reviewer.pk), None)

    rows: list[Row] = []
    by_number: dict[str, Row] = {}
    lines = {line.criterion.pk: line for line in result.lines}
    for criterion in result.nodes:
        line = lines.get(criterion.pk)
        row = Row(criterion, line)
        by_number[criterion.number] = row
        rows.append(row)
        if line is None:
            continue
        hand = row.is_hand
        row.review_diff = _diff(line.self_cell, line.review) if review_visible else ""
        row.result_diff = _diff(line.self_cell, line.proposed) if result_visible else ""
        row.inflated = result_visible and result.inflated(line)
        row.reviews = visible(line.reviews)
        row.second_reviews = visible(line.second_reviews)
        if line.self_score is not None:
            row.self_evidence = evidence.get(line.self_score.pk, [])
        if line.explanation is not None:
            row.explanation_evidence = evidence.get(line.explanation.pk, [])
        row.can_self = can_self and hand
        row.can_explain = can_explain and line.disputed
        if reviewer is not None and hand:
            if stage == Stage.REVIEW:
                row.can_review = True
                row.review_input = _input(mine(line.reviews))
            elif stage == Stage.SECOND_REVIEW and line.explanation is not None:
                row.can_review = True
                row.review_input = _input(mine(line.second_reviews))
        row.self_input = _input(line.self_score)
        explanation = line.explanation
        row.explain_input = {
            "note": explanation.note if explanation else "",
            "points": format_points(explanation.points) if explanation else "",
        }
        layers = (
            ("self_sum", line.self_cell, True),
            ("review_sum", line.review_cell, review_visible),
            ("result_sum", line.proposed, result_visible),
        )
        for ancestor in _ancestors(criterion):
            group = by_number.get(ancestor)
            if group is None:
                continue
            for attr, cell, shown in layers:
                value = _counted(cell, criterion) if shown else None
                if value is not None:
                    setattr(group, attr, (getattr(group, attr) or Decimal(0)) + value)

    hand_lines = [line for line in result.lines if line.criterion.method in sheets.HAND_METHODS]
    required = [line for line in hand_lines if line.criterion.section == "regular"]
    totals = [("self", _("Tự chấm"), result.self_totals)]
    if review_visible:
        totals.append(("review", _("Bình xét lần 1"), result.review_totals))
    if result_visible:
        totals.append(
            (
                "result",
                _("Kết quả") if status == SheetStatus.FINAL else _("Kết quả dự kiến"),
                result.proposed_totals,
            )
        )
    if reviewer is not None:
        totals.append(
            (
                "mine",
                _("Điểm %(unit)s chấm") % {"unit": names.get(reviewer.pk, "")},
                _reviewer_totals(result, reviewer, stage),
            )
        )

    return {
        "sheet": sheet,
        "period": period,
        "emulation_year": emulation_year,
        "unit_name": names.get(sheet.unit_id, ""),
        "result": result,
        "rows": rows,
        "by_number": by_number,
        "totals": totals,
        "progress": {
            "done": sum(1 for line in hand_lines if line.self_score is not None),
            "total": len(hand_lines),
            "missing": [line.criterion for line in required if line.self_score is None],
        },
        "today": today,
        "locked": locked,
        "not_yet_open": not_yet_open,
        "year_open": year_open,
        "officer": officer,
        "can_self": can_self,
        "can_explain": can_explain,
        "has_disputes": any(line.disputed for line in result.lines),
        "can_manage": can_manage,
        "can_reopen": can_manage
        and year_open
        and status in (SheetStatus.DRAFT, SheetStatus.SUBMITTED)
        and today > period.due_on,
        "stage": stage,
        "reviewer": reviewer,
        "reviewer_choices": [(u.pk, names.get(u.pk, "")) for u in reviewer_choices],
        "show_reviewers": show_reviewers,
        "review_visible": review_visible,
        "second_visible": second_visible,
        "result_visible": result_visible,
        "eligible_reviewers": [names.get(u.pk, "") for u in eligible],
        "missing_reviews": [(names.get(u.pk, ""), n) for u, n in missing],
        "aggregation_label": Aggregation(sheet.aggregation or emulation_year.aggregation).label,
        "reopen_form": forms.ReopenForm(),
        "evidence_form": forms.EvidenceForm(),
        "statuses": SheetStatus,
    }


def _reviewer_totals(result: sheets.SheetView, reviewer: Unit, stage: str) -> sheets.Totals:
    """The sheet as this reviewer unit scored it (its second review where it gave one)."""

    def cell_of(line: sheets.Line) -> sheets.Cell | None:
        if line.is_derived:
            return line.review_cell
        rounds = (
            [line.second_reviews, line.reviews] if stage == Stage.SECOND_REVIEW else [line.reviews]
        )
        for scores in rounds:
            for s in scores:
                if s.reviewer_id == reviewer.pk:
                    return sheets.Cell(s.points, s.applicable)
        return None

    return sheets.total_of(
        result.lines, cell_of, result.sheet.scale.bonus_cap, result.sheet.scale.total_max
    )


def _criterion(sheet: ScoreSheet, criterion_pk: int) -> Criterion:
    criterion = Criterion.objects.filter(pk=criterion_pk, scale_id=sheet.scale_id).first()
    if criterion is None:
        raise Http404(_("Không tìm thấy tiêu chí."))
    return criterion


def _anchor(sheet: ScoreSheet, criterion: Criterion | None = None, reviewer_pk=None) -> str:
    url = sheet.get_absolute_url()
    if reviewer_pk:
        url += f"?cham={reviewer_pk}"
    if criterion is not None:
        url += f"#c-{criterion.pk}"
    return url


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- the page


def sheet_detail(request, pk: int):
    sheet = permissions.get_sheet_for_user(request.user, pk)
    context = _context(request, sheet, reviewer_pk=_int(request.GET.get("cham")))
    return render(request, "emulation/sheet.html", context)


def _cell_response(
    request,
    sheet: ScoreSheet,
    criterion: Criterion,
    *,
    error: str = "",
    reviewer_pk: int | None = None,
    saved: str = "",
):
    """htmx: the row's message (refusal or "saved"), and out of band every layer of the
    row, its group rows and the running totals; the inputs stay as typed.
    Without JavaScript: a message and back to the row on the page."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, saved)
        return redirect(_anchor(sheet, criterion, reviewer_pk))
    sheet.refresh_from_db(fields=["status", "reopened_until"])
    context = _context(request, sheet, reviewer_pk=reviewer_pk)
    row = context["by_number"][criterion.number]
    row.error = error
    groups = [context["by_number"][n] for n in _ancestors(criterion) if n in context["by_number"]]
    context.update({"row": row, "groups": groups, "oob": True, "saved": "" if error else saved})
    return render(request, "emulation/_sheet_cell_update.html", context)


def _form_error(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@require_POST
def self_score(request, pk: int, criterion_pk: int):
    """Tự chấm one leaf."""
    sheet = permissions.get_sheet_for_user(request.user, pk, write="self")
    criterion = _criterion(sheet, criterion_pk)
    form = forms.ScoreForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            sheets.set_self_score(sheet, criterion, actor=request.user, **form.values())
        except RuleViolation as exc:
            error = exc.message
    else:
        error = _form_error(form)
    return _cell_response(
        request,
        sheet,
        criterion,
        error=error,
        saved=_("Đã lưu điểm tự chấm tiêu chí %(n)s.") % {"n": criterion.number},
    )


@require_POST
def review_score(request, pk: int, reviewer_pk: int, criterion_pk: int):
    """One reviewer unit's score of one leaf, in the round the sheet is in."""
    sheet = permissions.get_sheet_for_user(request.user, pk, write="review")
    reviewer = next(
        (
            u
            for u in permissions.reviewer_units_for(request.user, sheet.period.emulation_year)
            if u.pk == reviewer_pk and u.pk != sheet.unit_id
        ),
        None,
    )
    if reviewer is None:
        raise Http404(_("Không tìm thấy đơn vị chấm."))
    criterion = _criterion(sheet, criterion_pk)
    stage = Stage.SECOND_REVIEW if sheet.status == SheetStatus.EXPLAINED else Stage.REVIEW
    form = forms.ScoreForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            sheets.set_review_score(
                sheet, criterion, reviewer, actor=request.user, stage=stage, **form.values()
            )
        except RuleViolation as exc:
            error = exc.message
    else:
        error = _form_error(form)
    return _cell_response(
        request,
        sheet,
        criterion,
        error=error,
        reviewer_pk=reviewer.pk,
        saved=_("Đã lưu điểm bình xét tiêu chí %(n)s.") % {"n": criterion.number},
    )


@require_POST
def explain(request, pk: int, criterion_pk: int):
    """Giải trình one disputed leaf."""
    sheet = permissions.get_sheet_for_user(request.user, pk, write="self")
    criterion = _criterion(sheet, criterion_pk)
    form = forms.ExplanationForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            sheets.explain(
                sheet,
                criterion,
                note=form.cleaned_data["note"],
                points=form.cleaned_data["points"],
                actor=request.user,
            )
        except RuleViolation as exc:
            error = exc.message
    else:
        error = _form_error(form)
    return _cell_response(
        request,
        sheet,
        criterion,
        error=error,
        saved=_("Đã lưu giải trình tiêu chí %(n)s.") % {"n": criterion.number},
    )


def _transition(request, pk: int, write: str, action, done: str):
    sheet = permissions.get_sheet_for_user(request.user, pk, write=write)
    try:
        action(sheet, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(sheet)


@require_POST
def submit(request, pk: int):
    return _transition(request, pk, "self", sheets.submit, _("Đã nộp bảng điểm."))


@require_POST
def complete_review(request, pk: int):
    return _transition(
        request, pk, "manage", sheets.complete_review, _("Đã kết thúc bình xét lần 1.")
    )


@require_POST
def submit_explanation(request, pk: int):
    return _transition(request, pk, "self", sheets.submit_explanation, _("Đã nộp giải trình."))


@require_POST
def finalize(request, pk: int):
    return _transition(request, pk, "manage", sheets.finalize, _("Đã chốt kết quả bảng điểm."))


def reopen(request, pk: int):
    """Mở lại a locked sheet (draft or submitted) until a date, with a reason."""
    sheet = permissions.get_sheet_for_user(request.user, pk, write="manage")
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle.reopen_sheet(
                sheet,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except RuleViolation as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Đã mở lại bảng điểm đến hết ngày %(day)s.")
                % {"day": sheet.reopened_until.strftime("%d/%m/%Y")},
            )
            return redirect(sheet)
    return render(
        request,
        "emulation/sheet_reopen.html",
        {"sheet": sheet, "form": form, "unit_name": _unit_names([sheet.unit_id])[sheet.unit_id]},
    )


# ---------------------------------------------------------------- cell history


def _value_text(values: dict | None) -> str:
    if not values:
        return "—"
    if values.get("applicable") is False:
        text = _("không áp dụng")
    elif values.get("points") is None:
        text = "—"
    else:
        text = format_points(values["points"])
    note = values.get("note")
    return f"{text} — “{note}”" if note else text


def cell_history(request, pk: int, criterion_pk: int):
    """Lịch sử of one cell: every layer's audit entries, newest first."""
    sheet = permissions.get_sheet_for_user(request.user, pk)
    criterion = _criterion(sheet, criterion_pk)
    user = request.user
    show_reviewers = permissions.can_see_reviewers(user, sheet)
    own_reviewer_ids = {
        u.pk for u in permissions.reviewer_units_for(user, sheet.period.emulation_year)
    }
    scores = {str(s.pk): s for s in sheet.scores.filter(criterion=criterion)}
    names = _unit_names(s.reviewer_id for s in scores.values() if s.reviewer_id)
    entries = []
    for entry in sheets.cell_history(sheet, criterion)[:500]:
        score = scores.get(entry.object_id)
        if score is None:
            continue
        if score.reviewer_id and not (show_reviewers or score.reviewer_id in own_reviewer_ids):
            continue
        layer = score.get_stage_display()
        if score.reviewer_id:
            layer = f"{layer} – {names.get(score.reviewer_id, '')}"
        actor = entry.actor
        entries.append(
            {
                "at": entry.at,
                "actor": (
                    (f"{actor.last_name} {actor.first_name}".strip() or actor.username)
                    if actor
                    else _("Hệ thống")
                ),
                "action": entry.get_action_display(),
                "layer": layer,
                "before": _value_text(entry.before),
                "after": _value_text(entry.after),
                "reason": entry.reason,
            }
        )
    return render(
        request,
        "emulation/cell_history.html",
        {
            "sheet": sheet,
            "criterion": criterion,
            "entries": entries,
            "unit_name": _unit_names([sheet.unit_id])[sheet.unit_id],
        },
    )


# ---------------------------------------------------------------- evidence


@require_POST
def evidence_upload(request, pk: int, criterion_pk: int):
    sheet = permissions.get_sheet_for_user(request.user, pk, write="self")
    criterion = _criterion(sheet, criterion_pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_error(form))
    else:
        try:
            evidence = sheets.attach_evidence(
                sheet, criterion, form.cleaned_data["file"], actor=request.user
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Đã đính kèm “%(name)s” vào tiêu chí %(n)s.")
                % {"name": evidence.name, "n": criterion.number},
            )
    return redirect(_anchor(sheet, criterion))


def evidence_download(request, pk: int, evidence_pk: int):
    """Files are served only through here, to whoever may see the sheet."""
    sheet = permissions.get_sheet_for_user(request.user, pk)
    evidence = Evidence.objects.filter(pk=evidence_pk, score__sheet=sheet).first()
    if evidence is None:
        raise Http404(_("Không tìm thấy tài liệu."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Không tìm thấy tài liệu.")) from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


# ---------------------------------------------------------------- Excel


def _filename(sheet: ScoreSheet, suffix: str = "") -> str:
    unit = slugify(search_key(_unit_names([sheet.unit_id])[sheet.unit_id])) or "don-vi"
    year = sheet.period.emulation_year.year
    return f"bang-diem-{unit}-{sheet.period.kind}-{year}{suffix}.xlsx"


def sheet_excel(request, pk: int):
    """The sheet as .xlsx: filled with its scores, or blank (?mau=trong) to fill offline."""
    from emulation import excel

    sheet = permissions.get_sheet_for_user(request.user, pk)
    filled = request.GET.get("mau") != "trong"
    data = excel.export_sheet(sheet, filled=filled)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(sheet, "" if filled else "-mau-trong")
    )
    return response


def sheet_import(request, pk: int):
    """Nhập bảng điểm từ Excel: everything or nothing; the refusal lists every problem."""
    sheet = permissions.get_sheet_for_user(request.user, pk, write="self")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems = []
    refusal = ""
    if request.method == "POST" and form.is_valid():
        from emulation import excel

        try:
            result = excel.import_sheet(
                form.cleaned_data["file"].read(), actor=request.user, sheet=sheet
            )
        except excel.ImportRejected as exc:
            problems = exc.problems
            refusal = exc.message
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Đã nhập bảng điểm: %(changed)s ô thay đổi, %(unchanged)s ô giữ nguyên.")
                % {"changed": result.changed, "unchanged": result.unchanged},
            )
            for note in result.repaired:
                messages.info(request, str(note))
            return redirect(sheet)
    return render(
        request,
        "emulation/import_sheet.html",
        {
            "sheet": sheet,
            "form": form,
            "problems": problems,
            "refusal": refusal,
            "unit_name": _unit_names([sheet.unit_id])[sheet.unit_id],
        },
    )

"""/api/v1/emulation/ endpoints: years, scales, pledges, targets, score sheets, ranking and
their Excel/Word files. Thin over the services, with the pages' permissions: what a user
may not see or change is 404 (emulation.permissions), a refused rule is 422 with the
Vietnamese message (handled in thidua.api), and every decimal travels as an exact string."""

from __future__ import annotations

from django.http import Http404
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from core.exceptions import RuleViolation
from core.http import attachment as _file
from core.http import exact_decimal as dec
from emulation import permissions
from emulation.models import (
    Criterion,
    EmulationYear,
    Period,
    Phase,
    Pledge,
    Scale,
    ScoreSheet,
    SheetStatus,
)
from emulation.schemas import (
    ActualIn,
    CriterionIn,
    CriterionNodeOut,
    CriterionPatch,
    ExplanationIn,
    HistoryEntryOut,
    ImportOut,
    ImportRejectedOut,
    NewVersionIn,
    PeriodDatesIn,
    PeriodIn,
    PeriodOut,
    PhaseIn,
    PledgeIn,
    PledgeOut,
    RankingOut,
    ReopenIn,
    ReviewScoreIn,
    RulesIn,
    ScaleCopyIn,
    ScaleIn,
    ScaleOut,
    ScoreOut,
    SelfScoreIn,
    SheetOut,
    SheetRowOut,
    SignIn,
    TargetIn,
    TargetOut,
    TaskGroupIn,
    YearDetailOut,
    YearIn,
    YearOut,
)
from emulation.services import cycle, pledges, ranking, scales, sheets
from emulation.services import targets as target_services
from organizations import permissions as org_permissions
from organizations.models import Unit
from organizations.schemas import ErrorOut

router = Router(tags=["emulation"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REFUSED = {404: ErrorOut, 422: ErrorOut}
HISTORY_LIMIT = 500


def _bytes(document) -> bytes:
    """What a formatter returned (bytes, a file-like object, or an openpyxl/python-docx
    document) as bytes."""
    if isinstance(document, bytes | bytearray):
        return bytes(document)
    if hasattr(document, "getvalue"):
        return document.getvalue()
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- years


def _year_out(emulation_year: EmulationYear) -> dict:
    return {
        "id": emulation_year.pk,
        "year": emulation_year.year,
        "title": emulation_year.title,
        "cluster_id": emulation_year.cluster_id,
        "cluster": str(emulation_year.cluster) if emulation_year.cluster_id else None,
        "organizer_id": emulation_year.organizer_id,
        "organizer": str(emulation_year.organizer) if emulation_year.organizer_id else None,
        "parent_id": emulation_year.parent_id,
        "phase": emulation_year.phase,
    }


def _period_out(period: Period) -> dict:
    return {
        "id": period.pk,
        "emulation_year_id": period.emulation_year_id,
        "kind": period.kind,
        "kind_label": str(period.get_kind_display()),
        "opens_on": period.opens_on,
        "due_on": period.due_on,
        "published_at": period.published_at,
    }


def _year_detail(user, emulation_year: EmulationYear) -> dict:
    scale = scales.current_scale(emulation_year)
    return {
        **_year_out(emulation_year),
        "phase_label": str(Phase(emulation_year.phase).label),
        "closed_at": emulation_year.closed_at,
        "rules": {
            "review_mode": emulation_year.review_mode,
            "aggregation": emulation_year.aggregation,
            "tie_breaks": list(emulation_year.tie_breaks or []),
            "flag_count": emulation_year.flag_count,
            "merit_count": emulation_year.merit_count,
            "inflation_threshold": dec(emulation_year.inflation_threshold),
        },
        "participants": [
            {"unit_id": u.pk, "name": str(u)} for u in cycle.participant_units(emulation_year)
        ],
        "reviewers": [
            {"unit_id": u.pk, "name": str(u)} for u in sheets.reviewer_units(emulation_year)
        ],
        "periods": [_period_out(p) for p in emulation_year.periods.order_by("opens_on")],
        "current_scale_id": scale.pk if scale else None,
        "can_manage": permissions.can_manage_year(user, emulation_year),
    }


@router.get("/years", response=list[YearOut])
def list_years(request, year: int | None = None):
    """The emulation years the caller may see, newest first."""
    return [_year_out(y) for y in permissions.visible_years(request.user) if year in (None, y.year)]


@router.get("/years/{year_id}", response=YearDetailOut)
def year_detail(request, year_id: int):
    return _year_detail(request.user, permissions.get_year_for_user(request.user, year_id))


def _units(ids: list[int]) -> list[Unit]:
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleViolation(f"Không có đơn vị mã số {missing[0]}.", field="participant_ids")
    return [found[i] for i in ids]


@router.post("/years", response={201: YearDetailOut, **REFUSED})
def open_year(request, payload: YearIn):
    """Mở năm thi đua: for a cluster, whoever manages that cluster in that year; for a
    board's own year, its officers and central staff."""
    user = request.user
    cluster = organizer = parent = None
    if payload.cluster_id is not None:
        cluster = org_permissions.get_cluster_for_user(
            user, payload.cluster_id, year=payload.year, write=True
        )
    if payload.organizer_id is not None:
        organizer = Unit.objects.filter(pk=payload.organizer_id).first()
        if organizer is None or not permissions.can_manage_year(
            user, EmulationYear(organizer=organizer, year=payload.year)
        ):
            raise Http404("Không tìm thấy đơn vị.")
    if payload.parent_id is not None:
        parent = permissions.get_year_for_user(user, payload.parent_id)
    participants = None
    if payload.participant_ids is not None:
        participants = _units(payload.participant_ids)
    emulation_year = cycle.open_year(
        year=payload.year,
        title=payload.title,
        actor=user,
        cluster=cluster,
        organizer=organizer,
        participants=participants,
        parent=parent,
        review_mode=payload.review_mode,
        aggregation=payload.aggregation,
        tie_breaks=payload.tie_breaks,
    )
    return Status(201, _year_detail(user, emulation_year))


@router.patch("/years/{year_id}/rules", response={200: YearDetailOut, **REFUSED})
def set_rules(request, year_id: int, payload: RulesIn):
    """Cách bình xét, tổng hợp, tiêu chí phụ, số đề nghị khen thưởng: only the fields sent."""
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    cycle.set_rules(emulation_year, actor=request.user, **payload.model_dump(exclude_unset=True))
    return _year_detail(request.user, emulation_year)


@router.post("/years/{year_id}/phase", response={200: YearDetailOut, **REFUSED})
def advance_phase(request, year_id: int, payload: PhaseIn):
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    cycle.advance_phase(emulation_year, payload.phase, actor=request.user)
    return _year_detail(request.user, emulation_year)


@router.post("/years/{year_id}/periods", response={201: PeriodOut, **REFUSED})
def add_period(request, year_id: int, payload: PeriodIn):
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    period = cycle.add_period(
        emulation_year,
        kind=payload.kind,
        opens_on=payload.opens_on,
        due_on=payload.due_on,
        actor=request.user,
    )
    return Status(201, _period_out(period))


@router.get("/periods/{period_id}", response=PeriodOut)
def period_detail(request, period_id: int):
    return _period_out(permissions.get_period_for_user(request.user, period_id))


@router.patch("/periods/{period_id}", response={200: PeriodOut, **REFUSED})
def set_period_dates(request, period_id: int, payload: PeriodDatesIn):
    period = permissions.get_period_for_user(request.user, period_id, write=True)
    cycle.set_period_dates(
        period, opens_on=payload.opens_on, due_on=payload.due_on, actor=request.user
    )
    return _period_out(period)


# ---------------------------------------------------------------- scales


def _node_out(node: scales.Node) -> dict:
    c = node.criterion
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "number": c.number,
        "title": c.title,
        "max_points": dec(c.max_points),
        "method": c.method,
        "section": c.section,
        "step": dec(c.step),
        "target_code": c.target_code,
        "floor_percent": dec(c.floor_percent),
        "guidance": c.guidance,
        "evidence_expected": c.evidence_expected,
        "children": [_node_out(child) for child in node.children],
    }


def _scale_out(scale: Scale) -> dict:
    return {
        "id": scale.pk,
        "emulation_year_id": scale.emulation_year_id,
        "version": scale.version,
        "title": scale.title,
        "total_max": dec(scale.total_max),
        "bonus_cap": dec(scale.bonus_cap),
        "copied_from_id": scale.copied_from_id,
        "frozen": scales.is_frozen(scale),
        "problems": scales.problems(scale),
        "criteria": [_node_out(n) for n in scales.tree(scale)],
    }


def _scale_for_user(user, scale_id: int, *, write: bool = False) -> Scale:
    scale = Scale.objects.filter(pk=scale_id).first()
    if scale is None:
        raise Http404("Không tìm thấy thang điểm.")
    scale.emulation_year = permissions.get_year_for_user(user, scale.emulation_year_id, write=write)
    return scale


def _criterion_for_user(user, criterion_id: int, *, write: bool = False) -> Criterion:
    criterion = Criterion.objects.select_related("scale", "parent").filter(pk=criterion_id).first()
    if criterion is None:
        raise Http404("Không tìm thấy tiêu chí.")
    criterion.scale.emulation_year = permissions.get_year_for_user(
        user, criterion.scale.emulation_year_id, write=write
    )
    return criterion


@router.get("/years/{year_id}/scale", response=ScaleOut)
def current_scale(request, year_id: int):
    """The year's current scale version (the one new sheets are opened on)."""
    emulation_year = permissions.get_year_for_user(request.user, year_id)
    scale = scales.current_scale(emulation_year)
    if scale is None:
        raise HttpError(404, "Năm thi đua chưa có thang điểm.")
    return _scale_out(scale)


@router.get("/scales/{scale_id}", response=ScaleOut)
def scale_detail(request, scale_id: int):
    """The criteria tree, what keeps it from being complete, and whether it is frozen."""
    return _scale_out(_scale_for_user(request.user, scale_id))


@router.post("/years/{year_id}/scales", response={201: ScaleOut, **REFUSED})
def create_scale(request, year_id: int, payload: ScaleIn):
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    scale = scales.create_scale(
        emulation_year,
        title=payload.title,
        total_max=payload.total_max,
        bonus_cap=payload.bonus_cap,
        actor=request.user,
    )
    return Status(201, _scale_out(scale))


@router.post("/years/{year_id}/scales/copy", response={201: ScaleOut, **REFUSED})
def copy_scale(request, year_id: int, payload: ScaleCopyIn):
    """Sao chép a scale the caller can see (last year's, another cluster's) into this year."""
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    source = _scale_for_user(request.user, payload.source_id)
    scale = scales.copy_scale(source, into=emulation_year, actor=request.user, title=payload.title)
    return Status(201, _scale_out(scale))


@router.post("/scales/{scale_id}/versions", response={201: ScaleOut, **REFUSED})
def new_version(request, scale_id: int, payload: NewVersionIn):
    """A new version of a frozen scale; the draft sheets move to it."""
    scale = _scale_for_user(request.user, scale_id, write=True)
    return Status(
        201, _scale_out(scales.new_version(scale, actor=request.user, reason=payload.reason))
    )


@router.post("/scales/{scale_id}/criteria", response={201: CriterionNodeOut, **REFUSED})
def add_criterion(request, scale_id: int, payload: CriterionIn):
    scale = _scale_for_user(request.user, scale_id, write=True)
    parent = None
    if payload.parent_id is not None:
        parent = Criterion.objects.filter(pk=payload.parent_id).first()
        if parent is None:
            raise RuleViolation(f"Không có tiêu chí mã số {payload.parent_id}.", field="parent_id")
    criterion = scales.add_criterion(
        scale,
        title=payload.title,
        max_points=payload.max_points,
        actor=request.user,
        parent=parent,
        method=payload.method,
        section=payload.section,
        step=payload.step,
        guidance=payload.guidance,
        evidence_expected=payload.evidence_expected,
        target_code=payload.target_code,
        floor_percent=payload.floor_percent,
    )
    return Status(201, _node_out(scales.Node(criterion)))


@router.patch("/criteria/{criterion_id}", response={200: CriterionNodeOut, **REFUSED})
def update_criterion(request, criterion_id: int, payload: CriterionPatch):
    """Only the fields sent are changed."""
    criterion = _criterion_for_user(request.user, criterion_id, write=True)
    # ``null`` clears the floor; for the other fields it means "unchanged".
    changes = {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or name == "floor_percent"
    }
    criterion = scales.update_criterion(criterion, actor=request.user, **changes)
    children = scales.tree(criterion.scale)
    found = _find_node(children, criterion.pk) or scales.Node(criterion)
    return _node_out(found)


def _find_node(nodes: list[scales.Node], pk: int) -> scales.Node | None:
    for node in nodes:
        if node.criterion.pk == pk:
            return node
        found = _find_node(node.children, pk)
        if found is not None:
            return found
    return None


@router.delete("/criteria/{criterion_id}", response={204: None, **REFUSED})
def delete_criterion(request, criterion_id: int):
    criterion = _criterion_for_user(request.user, criterion_id, write=True)
    scales.delete_criterion(criterion, actor=request.user)
    return Status(204, None)


# ---------------------------------------------------------------- pledge


def _pledge_out(pledge: Pledge) -> dict:
    return {
        "id": pledge.pk,
        "emulation_year_id": pledge.emulation_year_id,
        "number": pledge.number,
        "title": pledge.title,
        "issuer": pledge.issuer,
        "parent_issuer": pledge.parent_issuer,
        "place": pledge.place,
        "preamble": pledge.preamble,
        "signed_on": pledge.signed_on,
        "conference": pledge.conference,
        "is_signed": pledge.is_signed,
        "task_groups": list(pledge.task_groups.order_by("position")),
        "signatories": [{"unit_id": u.pk, "name": str(u)} for u in pledge.signatories.all()],
    }


def _pledge(emulation_year: EmulationYear) -> Pledge:
    pledge = Pledge.objects.filter(emulation_year=emulation_year).first()
    if pledge is None:
        raise HttpError(404, "Năm thi đua chưa có giao ước.")
    pledge.emulation_year = emulation_year
    return pledge


@router.get("/years/{year_id}/pledge", response=PledgeOut)
def pledge_detail(request, year_id: int):
    return _pledge_out(_pledge(permissions.get_year_for_user(request.user, year_id)))


@router.post("/years/{year_id}/pledge", response={201: PledgeOut, **REFUSED})
def create_pledge(request, year_id: int, payload: PledgeIn):
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    pledge = pledges.create_pledge(emulation_year, actor=request.user, **payload.model_dump())
    return Status(201, _pledge_out(pledge))


@router.post("/years/{year_id}/pledge/task-groups", response={201: PledgeOut, **REFUSED})
def add_task_group(request, year_id: int, payload: TaskGroupIn):
    pledge = _pledge(permissions.get_year_for_user(request.user, year_id, write=True))
    pledges.add_task_group(pledge, title=payload.title, content=payload.content, actor=request.user)
    return Status(201, _pledge_out(pledge))


@router.post("/years/{year_id}/pledge/sign", response={200: PledgeOut, **REFUSED})
def sign_pledge(request, year_id: int, payload: SignIn):
    """Ký kết: the year's participants become the signatories."""
    pledge = _pledge(permissions.get_year_for_user(request.user, year_id, write=True))
    pledges.sign_pledge(
        pledge, signed_on=payload.signed_on, conference=payload.conference, actor=request.user
    )
    return _pledge_out(pledge)


@router.get("/years/{year_id}/pledge/docx")
def pledge_docx(request, year_id: int):
    """The pledge as a Word document in the Party's administrative format."""
    from emulation.documents import pledge_docx as make_docx

    emulation_year = permissions.get_year_for_user(request.user, year_id)
    pledge = _pledge(emulation_year)
    return _file(_bytes(make_docx(pledge)), DOCX, f"giao-uoc-thi-dua-{emulation_year.year}.docx")


# ---------------------------------------------------------------- targets


def _target_out(target) -> dict:
    return {
        "id": target.pk,
        "emulation_year_id": target.emulation_year_id,
        "unit_id": target.unit_id,
        "unit": str(target.unit),
        "code": target.code,
        "title": target.title,
        "kind": target.kind,
        "planned": dec(target.planned),
        "actual": dec(target.actual),
        "measure": target.measure,
        "attainment": dec(target_services.target_attainment(target)),
        "met": target_services.is_met(target.kind, target.planned, target.actual),
    }


@router.get("/years/{year_id}/targets", response=list[TargetOut])
def list_targets(request, year_id: int, unit_id: int | None = None):
    """Managers see every unit's targets; a unit officer only their own unit's."""
    emulation_year = permissions.get_year_for_user(request.user, year_id)
    found = emulation_year.targets.select_related("unit").order_by("unit_id", "code")
    if unit_id is not None:
        found = found.filter(unit_id=unit_id)
    allowed: dict[int, bool] = {}
    result = []
    for target in found:
        if target.unit_id not in allowed:
            allowed[target.unit_id] = permissions.can_view_targets(
                request.user, emulation_year, target.unit_id
            )
        if allowed[target.unit_id]:
            result.append(_target_out(target))
    return result


@router.put("/years/{year_id}/units/{unit_id}/targets/{code}", response={200: TargetOut, **REFUSED})
def set_target(request, year_id: int, unit_id: int, code: str, payload: TargetIn):
    """Giao chỉ tiêu (create or change) for a participating unit."""
    emulation_year = permissions.get_year_for_user(request.user, year_id, write=True)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    target = target_services.set_target(
        emulation_year,
        unit,
        code=code,
        title=payload.title,
        kind=payload.kind,
        planned=payload.planned,
        measure=payload.measure,
        actor=request.user,
    )
    return _target_out(target)


@router.post("/targets/{target_id}/actual", response={200: TargetOut, **REFUSED})
def record_actual(request, target_id: int, payload: ActualIn):
    """Báo cáo kết quả thực hiện: the unit's officers or the year's managers."""
    target = permissions.get_target_for_user(request.user, target_id, write=True)
    target = target_services.record_actual(target, payload.actual, actor=request.user)
    return _target_out(target)


# ---------------------------------------------------------------- sheets


def _totals_out(totals: sheets.Totals) -> dict:
    return {
        "total": dec(totals.total),
        "maximum": dec(totals.maximum),
        "percent": dec(totals.percent),
        "regular": dec(totals.regular),
        "bonus": dec(totals.bonus),
        "deductions": dec(totals.deductions),
        "complete": totals.complete,
    }


def _cell_out(cell: sheets.Cell | None) -> dict | None:
    if cell is None:
        return None
    return {"points": dec(cell.points), "applicable": cell.applicable}


def _note_cell_out(score) -> dict | None:
    if score is None:
        return None
    return {"points": dec(score.points), "applicable": score.applicable, "note": score.note}


def _sees_reviewers(user, sheet: ScoreSheet) -> bool:
    """Who gave which review score: the year's managers, except the officers of the
    reviewed unit itself (the cluster head's own sheet is reviewed by its deputies)."""
    return permissions.can_see_reviewers(user, sheet) and (
        sheet.unit_id not in org_permissions.officer_units(user)
    )


def _reviews_out(scores, shown, names: dict[int, str]) -> list[dict]:
    return [
        {
            "reviewer_id": s.reviewer_id,
            "reviewer": names.get(s.reviewer_id) or str(s.reviewer),
            "points": dec(s.points),
            "applicable": s.applicable,
            "note": s.note,
        }
        for s in sorted(scores, key=lambda s: s.reviewer_id)
        if shown(s.reviewer_id)
    ]


def _sheet_out(user, sheet: ScoreSheet) -> dict:
    """Every layer of every leaf. Individual reviewers' scores are shown to those who may
    see reviewers (managers), and to a reviewer for its own scores only."""
    emulation_year = sheet.period.emulation_year
    see_all = _sees_reviewers(user, sheet)
    review_as = [u.pk for u in permissions.reviewer_units_for(user, emulation_year)]
    mine = set(review_as)
    names = {u.pk: str(u) for u in sheets.reviewer_units(emulation_year)}

    def shown(reviewer_id: int) -> bool:
        return see_all or reviewer_id in mine

    result = sheets.view(sheet)
    layers = permissions.visible_layers(user, sheet)
    lines = []
    for line in result.lines:
        c = line.criterion
        lines.append(
            {
                "criterion_id": c.pk,
                "number": c.number,
                "title": c.title,
                "section": c.section,
                "method": c.method,
                "max_points": dec(c.max_points),
                "derived": dec(line.derived),
                "self_score": _note_cell_out(line.self_score),
                "review": _cell_out(line.review) if layers.review else None,
                "reviews": _reviews_out(line.reviews, shown, names),
                "explanation": _note_cell_out(line.explanation),
                "second": _cell_out(line.second) if layers.second else None,
                "second_reviews": _reviews_out(line.second_reviews, shown, names),
                "final": _cell_out(line.final) if layers.result else None,
                "proposed": _cell_out(line.proposed) if layers.result else None,
                "disputed": line.disputed if layers.review else False,
                "inflated": result.inflated(line) if layers.result else False,
            }
        )
    return {
        "id": sheet.pk,
        "period_id": sheet.period_id,
        "emulation_year_id": emulation_year.pk,
        "unit_id": sheet.unit_id,
        "unit": str(sheet.unit),
        "scale_id": sheet.scale_id,
        "status": sheet.status,
        "status_label": str(SheetStatus(sheet.status).label),
        "locked": cycle.is_locked(sheet),
        "reopened_until": sheet.reopened_until,
        "submitted_at": sheet.submitted_at,
        "finalized_at": sheet.finalized_at,
        "aggregation": sheet.aggregation or emulation_year.aggregation,
        "final_total": dec(sheet.final_total) if layers.result else None,
        "final_max": dec(sheet.final_max) if layers.result else None,
        "lines": lines,
        "self_totals": _totals_out(result.self_totals),
        "review_totals": _totals_out(result.review_totals) if layers.review else None,
        "proposed_totals": _totals_out(result.proposed_totals) if layers.result else None,
        "access": {
            "self_assess": permissions.can_edit_sheet(user, sheet),
            "review_as": [pk for pk in review_as if pk != sheet.unit_id],
            "manage": permissions.can_manage_year(user, emulation_year),
            "see_reviewers": see_all,
        },
    }


def _person(user) -> str | None:
    """Vietnamese order: family name (last_name) before given name."""
    if user is None:
        return None
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def _criterion_of(sheet: ScoreSheet, criterion_id: int) -> Criterion:
    criterion = sheet.scale.criteria.filter(pk=criterion_id).first()
    if criterion is None:
        raise Http404("Không tìm thấy tiêu chí trong bảng điểm.")
    return criterion


def _score_out(score) -> dict:
    return {
        "criterion_id": score.criterion_id,
        "stage": score.stage,
        "reviewer_id": score.reviewer_id,
        "points": dec(score.points),
        "applicable": score.applicable,
        "note": score.note,
        "updated_at": score.updated_at,
    }


@router.get("/periods/{period_id}/sheets", response=list[SheetRowOut])
def list_sheets(request, period_id: int):
    """Every sheet of a period with its status; totals only for sheets the caller may see
    (before publication a member sees only its own and those it reviews)."""
    period = permissions.get_period_for_user(request.user, period_id)
    rows = []
    cache: dict = {}
    found = period.sheets.select_related("unit", "scale").prefetch_related("unit__versions")
    for sheet in sorted(found, key=lambda s: str(s.unit)):
        sheet.period = period
        visible = permissions.can_view_sheet(request.user, sheet)
        result = sheets.view(sheet, profiles_cache=cache) if visible else None
        rows.append(
            {
                "id": sheet.pk,
                "unit_id": sheet.unit_id,
                "unit": str(sheet.unit),
                "status": sheet.status,
                "status_label": str(SheetStatus(sheet.status).label),
                "reopened_until": sheet.reopened_until,
                "visible": visible,
                "self_totals": _totals_out(result.self_totals) if result else None,
                "proposed_totals": _totals_out(result.proposed_totals)
                if result and permissions.visible_layers(request.user, sheet).result
                else None,
            }
        )
    return rows


@router.post("/periods/{period_id}/sheets", response={201: list[SheetRowOut], **REFUSED})
def open_sheets(request, period_id: int):
    """Phát bảng điểm: one sheet per participant on the year's current scale."""
    period = permissions.get_period_for_user(request.user, period_id, write=True)
    sheets.open_sheets(period, actor=request.user)
    return Status(201, list_sheets(request, period_id))


@router.post("/periods/{period_id}/publish", response={200: PeriodOut, **REFUSED})
def publish_period(request, period_id: int):
    """Công bố kết quả: every sheet must be final."""
    period = permissions.get_period_for_user(request.user, period_id, write=True)
    cycle.publish_period(period, actor=request.user)
    return _period_out(period)


@router.get("/sheets/{sheet_id}", response=SheetOut)
def sheet_detail(request, sheet_id: int):
    return _sheet_out(request.user, permissions.get_sheet_for_user(request.user, sheet_id))


@router.put("/sheets/{sheet_id}/self-scores/{criterion_id}", response={200: ScoreOut, **REFUSED})
def set_self_score(request, sheet_id: int, criterion_id: int, payload: SelfScoreIn):
    """Tự chấm one leaf: its points, or ``applicable: false`` with the reason in ``note``."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="self")
    score = sheets.set_self_score(
        sheet,
        _criterion_of(sheet, criterion_id),
        points=payload.points,
        applicable=payload.applicable,
        note=payload.note,
        actor=request.user,
    )
    return _score_out(score)


@router.post("/sheets/{sheet_id}/submit", response={200: SheetOut, **REFUSED})
def submit_sheet(request, sheet_id: int):
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="self")
    sheets.submit(sheet, actor=request.user)
    return _sheet_out(request.user, sheet)


def _reviewer(user, sheet: ScoreSheet, reviewer_id: int | None) -> Unit:
    """The reviewer unit the caller enters scores for: one of its own reviewer units."""
    mine = permissions.reviewer_units_for(user, sheet.period.emulation_year)
    if reviewer_id is None:
        candidates = [u for u in mine if u.pk != sheet.unit_id]
        if len(candidates) != 1:
            raise RuleViolation("Chọn đơn vị chấm điểm.", field="reviewer_id")
        return candidates[0]
    for unit in mine:
        if unit.pk == reviewer_id:
            return unit
    raise HttpError(404, "Không tìm thấy đơn vị chấm.")


@router.put("/sheets/{sheet_id}/reviews/{criterion_id}", response={200: ScoreOut, **REFUSED})
def set_review_score(request, sheet_id: int, criterion_id: int, payload: ReviewScoreIn):
    """Bình xét one leaf as one of the caller's reviewer units (first or second review)."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="review")
    score = sheets.set_review_score(
        sheet,
        _criterion_of(sheet, criterion_id),
        _reviewer(request.user, sheet, payload.reviewer_id),
        points=payload.points,
        applicable=payload.applicable,
        note=payload.note,
        stage=payload.stage,
        actor=request.user,
    )
    return _score_out(score)


@router.post("/sheets/{sheet_id}/complete-review", response={200: SheetOut, **REFUSED})
def complete_review(request, sheet_id: int):
    """Kết thúc bình xét lần 1 (every reviewer scored every hand-scored leaf)."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="manage")
    sheets.complete_review(sheet, actor=request.user)
    return _sheet_out(request.user, sheet)


@router.put("/sheets/{sheet_id}/explanations/{criterion_id}", response={200: ScoreOut, **REFUSED})
def explain(request, sheet_id: int, criterion_id: int, payload: ExplanationIn):
    """Giải trình one disputed criterion (and, optionally, the points asked for)."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="self")
    score = sheets.explain(
        sheet,
        _criterion_of(sheet, criterion_id),
        note=payload.note,
        points=payload.points,
        actor=request.user,
    )
    return _score_out(score)


@router.post("/sheets/{sheet_id}/submit-explanation", response={200: SheetOut, **REFUSED})
def submit_explanation(request, sheet_id: int):
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="self")
    sheets.submit_explanation(sheet, actor=request.user)
    return _sheet_out(request.user, sheet)


@router.post("/sheets/{sheet_id}/finalize", response={200: SheetOut, **REFUSED})
def finalize(request, sheet_id: int):
    """Chốt kết quả."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="manage")
    sheets.finalize(sheet, actor=request.user)
    return _sheet_out(request.user, sheet)


@router.post("/sheets/{sheet_id}/reopen", response={200: SheetOut, **REFUSED})
def reopen(request, sheet_id: int, payload: ReopenIn):
    """Mở lại a locked sheet until a date, with the reason logged."""
    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="manage")
    cycle.reopen_sheet(sheet, until=payload.until, reason=payload.reason, actor=request.user)
    return _sheet_out(request.user, sheet)


@router.get("/sheets/{sheet_id}/criteria/{criterion_id}/history", response=list[HistoryEntryOut])
def cell_history(request, sheet_id: int, criterion_id: int):
    """Every change of every layer of one cell, newest first. Reviewers' entries follow the
    same rule as their scores: managers see all, a reviewer its own, the unit none."""
    user = request.user
    sheet = permissions.get_sheet_for_user(user, sheet_id)
    criterion = _criterion_of(sheet, criterion_id)
    see_all = _sees_reviewers(user, sheet)
    mine = {u.pk for u in permissions.reviewer_units_for(user, sheet.period.emulation_year)}
    layers = {
        str(pk): (stage, reviewer_id)
        for pk, stage, reviewer_id in sheet.scores.filter(criterion=criterion).values_list(
            "pk", "stage", "reviewer_id"
        )
    }
    result = []
    for entry in sheets.cell_history(sheet, criterion)[:HISTORY_LIMIT]:
        if entry.object_id not in layers:
            continue
        stage, reviewer_id = layers[entry.object_id]
        if reviewer_id is not None and not (see_all or reviewer_id in mine):
            continue
        result.append(
            {
                "at": entry.at,
                "actor": _person(entry.actor),
                "action": entry.action,
                "stage": stage,
                "reviewer_id": reviewer_id,
                "before": entry.before,
                "after": entry.after,
                "reason": entry.reason,
            }
        )
    return result


# ---------------------------------------------------------------- ranking


@router.get("/periods/{period_id}/ranking", response={200: RankingOut, 404: ErrorOut})
def period_ranking(request, period_id: int):
    """The ranking: managers at any time, other members once the results are published."""
    period = permissions.get_period_for_user(request.user, period_id)
    if not period.is_published and not permissions.can_manage_year(
        request.user, period.emulation_year
    ):
        raise HttpError(404, "Kết quả kỳ này chưa được công bố.")
    result = ranking.rank(period)
    return {
        "period_id": period.pk,
        "published": period.is_published,
        "tie_breaks": [ranking.tie_break_label(code) for code in result.tie_breaks],
        "rows": [
            {
                "rank": row.rank,
                "sheet_id": row.sheet.pk,
                "unit_id": row.sheet.unit_id,
                "name": row.name,
                "total": dec(row.total),
                "maximum": dec(row.maximum),
                "percent": dec(row.percent),
                "self_total": dec(row.self_total),
                "decided_by": row.decided_by,
                "suggestion": row.suggestion,
            }
            for row in result.rows
        ],
        "warnings": result.warnings,
        "pending": [
            {"sheet_id": s.pk, "unit_id": s.unit_id, "name": str(s.unit), "status": s.status}
            for s in result.pending
        ],
    }


# ---------------------------------------------------------------- Excel


@router.get("/sheets/{sheet_id}/xlsx")
def export_sheet(request, sheet_id: int, filled: bool = True):
    """The sheet as an Excel workbook to fill in offline and import back (``filled=false``:
    the empty form)."""
    from emulation import excel

    sheet = permissions.get_sheet_for_user(request.user, sheet_id)
    content = _bytes(excel.export_sheet(sheet, filled=filled))
    return _file(content, XLSX, f"bang-diem-{sheet.pk}.xlsx")


@router.post(
    "/sheets/{sheet_id}/import", response={200: ImportOut, 404: ErrorOut, 422: ImportRejectedOut}
)
def import_sheet(request, sheet_id: int, file: UploadedFile = File(...)):  # noqa: B008
    """Nhập bảng điểm tự chấm from the exported workbook: all or nothing. A refused file
    changes nothing and lists every problem with its sheet, row and column."""
    from emulation import excel

    sheet = permissions.get_sheet_for_user(request.user, sheet_id, write="self")
    try:
        result = excel.import_sheet(file.read(), sheet=sheet, actor=request.user)
    except excel.ImportRejected as rejected:
        return Status(422, {"detail": rejected.message, "problems": rejected.problems})
    return {
        "detail": (
            f"Đã nhập bảng điểm: {result.changed} ô thay đổi, {result.unchanged} ô giữ nguyên."
        ),
        "changed": result.changed,
        "unchanged": result.unchanged,
        "repaired": result.repaired,
    }


@router.get("/periods/{period_id}/summary/xlsx")
def export_summary(request, period_id: int):
    """Bảng tổng hợp of a period: every unit's self scores against the review, pending
    sheets included, so for the year's managers only (as on the page)."""
    from emulation import excel

    period = permissions.get_period_for_user(request.user, period_id, write=True)
    if not (
        period.is_published or permissions.sees_whole_period(request.user, period.emulation_year)
    ):
        raise Http404("Không tìm thấy kỳ chấm điểm.")
    content = _bytes(excel.export_summary(period))
    return _file(content, XLSX, f"tong-hop-{period.pk}.xlsx")

"""Pages that set up and follow an emulation year: the list of years, a year (phase, rules,
participants, periods), its scale, pledge and targets, a period and its ranking.

Each view: check access (emulation.permissions; missing and forbidden are both 404), parse
the form, call one service, then redirect with a message or re-render the page with the
RuleViolation message on the form (the fragment for htmx requests).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exceptions import RuleViolation
from core.http import attachment as _attachment
from core.roles import Role
from core.text import sort_key
from emulation import forms_setup as forms
from emulation import permissions
from emulation.models import (
    Criterion,
    EmulationYear,
    Participant,
    Period,
    PeriodKind,
    Phase,
    Pledge,
    Scale,
    Section,
    SheetStatus,
    Target,
)
from emulation.services import cycle, pledges, ranking, scales
from emulation.services import sheets as sheet_services
from emulation.services import targets as target_services
from organizations import permissions as org_permissions
from organizations.models import Cluster, ClusterLeadership, Unit
from organizations.services import registry

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUGGESTIONS = {"flag": gettext_lazy("Cờ thi đua"), "merit": gettext_lazy("Bằng khen")}


# --- helpers -----------------------------------------------------------------------------------


def _form_error(form, exc: RuleViolation) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _sorted_units(unit_ids, year: int) -> list[tuple[int, str]]:
    """(unit id, name at the end of ``year``) in Vietnamese order of the names."""
    names = registry.names_on(unit_ids, year_end(year), short=True)
    rows = [(pk, names.get(pk, "")) for pk in unit_ids]
    return sorted(rows, key=lambda row: sort_key(row[1]))


def _manageable_clusters(user):
    """Clusters the user may open a year for (in some year): every cluster for sector-wide
    staff, the clusters a department follows, those its officer units have led."""
    if org_permissions.is_sector_wide(user):
        return Cluster.objects.order_by("number")
    departments = user.role_assignments.filter(role=Role.DEPARTMENT_STAFF).values("unit")
    led = ClusterLeadership.objects.filter(unit__in=org_permissions.officer_units(user))
    return (
        Cluster.objects.filter(department__in=departments)
        | Cluster.objects.filter(pk__in=led.values("cluster"))
    ).order_by("number")


def _organizer_units(user):
    """Boards the user may open their own (cascaded) year for."""
    if org_permissions.is_sector_wide(user):
        units = Unit.objects.filter(kind__code="provincial_board")
    else:
        units = Unit.objects.filter(pk__in=org_permissions.officer_units(user))
    return units.prefetch_related("versions")


def _today() -> datetime.date:
    return timezone.localdate()


def _percent(total, maximum) -> Decimal | None:
    if total is None or not maximum:
        return None
    return target_services.quantize(Decimal(total) / Decimal(maximum) * 100)


# --- list of years -----------------------------------------------------------------------------


def _year_list_forms(request, open_form=None, cascade_form=None) -> dict:
    user = request.user
    clusters = _manageable_clusters(user)
    organizers = _organizer_units(user)
    parents = permissions.visible_years(user).filter(cluster__isnull=False)
    initial = {"year": _today().year}
    if open_form is None and clusters.exists():
        open_form = forms.YearOpenForm(clusters=clusters, initial=initial)
    if cascade_form is None and organizers.exists():
        cascade_form = forms.CascadeForm(organizers=organizers, parents=parents, initial=initial)
    return {
        "open_form": open_form,
        "cascade_form": cascade_form,
        "tie_break_options": forms.tie_break_options(),
    }


def year_list(request, open_form=None, cascade_form=None):
    years = list(permissions.visible_years(request.user).prefetch_related("organizer__versions"))
    counts = dict(
        Participant.objects.filter(emulation_year__in=[y.pk for y in years])
        .values_list("emulation_year")
        .annotate(n=Count("id"))
    )
    for y in years:
        y.participant_count = counts.get(y.pk, 0)
    context = {"years": years, **_year_list_forms(request, open_form, cascade_form)}
    return render(request, "emulation/year_list.html", context)


@require_POST
def year_open(request):
    user = request.user
    clusters = _manageable_clusters(user)
    if not clusters.exists():
        raise Http404
    form = forms.YearOpenForm(request.POST, clusters=clusters)
    if not form.is_valid():
        return year_list(request, open_form=form)
    data = form.cleaned_data
    if not org_permissions.can_manage_cluster(user, data["cluster"], data["year"]):
        raise Http404("Không tìm thấy cụm thi đua.")
    try:
        emulation_year = cycle.open_year(
            cluster=data["cluster"],
            year=data["year"],
            title=data["title"],
            review_mode=data["review_mode"],
            aggregation=data["aggregation"],
            tie_breaks=form.tie_breaks(),
            actor=user,
        )
    except RuleViolation as exc:
        _form_error(form, exc)
        return year_list(request, open_form=form)
    messages.success(request, _("Đã mở %(year)s.") % {"year": emulation_year})
    return redirect(emulation_year)


@require_POST
def year_cascade(request):
    user = request.user
    organizers = _organizer_units(user)
    allowed = set(organizers.values_list("pk", flat=True))
    try:
        organizer_id = int(request.POST.get("organizer", ""))
    except ValueError:
        organizer_id = None
    if not allowed or (organizer_id is not None and organizer_id not in allowed):
        raise Http404
    parents = permissions.visible_years(user).filter(cluster__isnull=False)
    form = forms.CascadeForm(request.POST, organizers=organizers, parents=parents)
    if not form.is_valid():
        return year_list(request, cascade_form=form)
    data = form.cleaned_data
    try:
        emulation_year = cycle.open_year(
            organizer=data["organizer"],
            parent=data["parent"],
            year=data["year"],
            title=data["title"],
            review_mode=data["review_mode"],
            aggregation=data["aggregation"],
            actor=user,
        )
    except RuleViolation as exc:
        _form_error(form, exc)
        return year_list(request, cascade_form=form)
    messages.success(
        request,
        _("Đã phát động %(year)s tới các đơn vị trực thuộc.") % {"year": emulation_year},
    )
    return redirect(emulation_year)


# --- one year ----------------------------------------------------------------------------------


def _next_phase(emulation_year: EmulationYear):
    order = cycle.PHASE_ORDER
    index = order.index(emulation_year.phase)
    return Phase(order[index + 1]) if index + 1 < len(order) else None


def _group_titles(scale: Scale | None) -> dict[str, str]:
    if scale is None:
        return {}
    return {
        c.number: c.title
        for c in sorted(scale.criteria.filter(parent=None), key=Criterion.sort_key)
        if c.section == Section.REGULAR
    }


def _render_year(request, emulation_year: EmulationYear, **forms_given):
    """The year page. Queries do not depend on the number of participants or periods."""
    can_manage = permissions.can_manage_year(request.user, emulation_year)
    writable = can_manage and not emulation_year.is_closed
    participant_ids = list(emulation_year.participants.values_list("unit_id", flat=True))
    participants = _sorted_units(participant_ids, emulation_year.year)
    periods = list(emulation_year.periods.all())
    all_scales = list(emulation_year.scales.all())
    current = all_scales[0] if all_scales else None
    cascades = list(emulation_year.cascades.select_related("organizer"))
    parent = emulation_year.parent
    organizer_ids = {c.organizer_id for c in cascades} | {emulation_year.organizer_id}
    organizers = registry.names_on(
        organizer_ids - {None}, year_end(emulation_year.year), short=True
    )
    for c in cascades:
        c.organizer_name = organizers.get(c.organizer_id, "")
    pledge = Pledge.objects.filter(emulation_year=emulation_year).first()
    context = {
        "emulation_year": emulation_year,
        "organizer_name": organizers.get(emulation_year.organizer_id, ""),
        "parent": parent,
        "can_manage": can_manage,
        "writable": writable,
        "next_phase": _next_phase(emulation_year) if writable else None,
        "tie_breaks": [
            (code, ranking.tie_break_label(code)) for code in emulation_year.tie_breaks or []
        ],
        "participants": participants,
        "periods": periods,
        "scales": all_scales,
        "current_scale": current,
        "cascades": cascades,
        "pledge": pledge,
    }
    if writable:
        missing_kinds = [k for k in PeriodKind if k not in {p.kind for p in periods}]
        context.update(
            rules_form=forms_given.get("rules_form") or forms.RulesForm.for_year(emulation_year),
            period_form=forms_given.get("period_form")
            or (forms.PeriodForm(initial={"kind": missing_kinds[0]}) if missing_kinds else None),
            scale_form=forms_given.get("scale_form")
            or (forms.ScaleCreateForm() if current is None else None),
            copy_form=forms_given.get("copy_form")
            or (
                forms.ScaleCopyForm(sources=_copy_sources(request.user, emulation_year))
                if current is None
                else None
            ),
            tie_break_options=forms.tie_break_options(_group_titles(current)),
        )
    return render(request, "emulation/year_detail.html", context)


def year_detail(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk)
    return _render_year(request, emulation_year)


@require_POST
def year_advance(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    try:
        cycle.advance_phase(emulation_year, request.POST.get("phase", ""), actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã chuyển sang giai đoạn: %(phase)s.")
            % {"phase": emulation_year.get_phase_display()},
        )
    return redirect(emulation_year)


@require_POST
def year_rules(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    form = forms.RulesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle.set_rules(
                emulation_year,
                actor=request.user,
                review_mode=data["review_mode"],
                aggregation=data["aggregation"],
                tie_breaks=form.tie_breaks(),
                flag_count=data["flag_count"],
                merit_count=data["merit_count"],
                inflation_threshold=data["inflation_threshold"],
            )
        except RuleViolation as exc:
            _form_error(form, exc)
            emulation_year.refresh_from_db()
        else:
            messages.success(request, _("Đã lưu quy định bình xét."))
            return redirect(emulation_year)
    return _render_year(request, emulation_year, rules_form=form)


@require_POST
def period_add(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    form = forms.PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = cycle.add_period(emulation_year, actor=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã thêm kỳ %(period)s.") % {"period": period})
            return redirect(emulation_year)
    return _render_year(request, emulation_year, period_form=form)


@require_POST
def period_dates(request, pk: int):
    period = permissions.get_period_for_user(request.user, pk, write=True)
    form = forms.PeriodDatesForm(request.POST)
    error = None
    if form.is_valid():
        try:
            cycle.set_period_dates(period, actor=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            error = exc.message
    else:
        error = _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy.")
    if error:
        messages.error(request, f"{period}: {error}")
    else:
        messages.success(request, _("Đã đổi thời hạn kỳ %(period)s.") % {"period": period})
    return redirect(period.emulation_year)


# --- scale -------------------------------------------------------------------------------------


def _copy_sources(user, emulation_year: EmulationYear):
    """Scales the user may copy from: every version of every other visible year."""
    years = permissions.visible_years(user).exclude(pk=emulation_year.pk).values("pk")
    return (
        Scale.objects.filter(emulation_year__in=years)
        .select_related("emulation_year")
        .order_by("-emulation_year__year", "emulation_year__title", "-version")
    )


def _flatten(nodes, depth: int = 0):
    for node in nodes:
        yield node.criterion, depth, node.is_leaf
        yield from _flatten(node.children, depth + 1)


def _render_scale(request, scale: Scale, **forms_given):
    emulation_year = scale.emulation_year
    can_manage = permissions.can_manage_year(request.user, emulation_year)
    frozen = scales.is_frozen(scale)
    latest = scales.current_scale(emulation_year)
    is_current = latest is not None and latest.pk == scale.pk
    editable = can_manage and not frozen and not emulation_year.is_closed and is_current
    rows = list(_flatten(scales.tree(scale)))
    context = {
        "scale": scale,
        "emulation_year": emulation_year,
        "rows": rows,
        "problems": scales.problems(scale),
        "frozen": frozen,
        "is_current": is_current,
        "latest": latest,
        "versions": list(emulation_year.scales.all()),
        "can_manage": can_manage,
        "editable": editable,
    }
    if can_manage and not emulation_year.is_closed:
        context["copy_form"] = forms_given.get("copy_form") or forms.ScaleCopyForm(
            sources=_copy_sources(request.user, emulation_year)
        )
        if frozen and is_current:
            context["version_form"] = forms_given.get("version_form") or forms.NewVersionForm()
    if editable:
        context["criterion_form"] = forms_given.get("criterion_form") or forms.CriterionAddForm(
            scale=scale
        )
    return render(request, "emulation/scale_detail.html", context)


def scale_detail(request, pk: int):
    scale = _get_scale(request.user, pk)
    return _render_scale(request, scale)


def _get_scale(user, pk: int, *, write: bool = False) -> Scale:
    scale = Scale.objects.filter(pk=pk).only("pk", "emulation_year_id").first()
    if scale is None:
        raise Http404("Không tìm thấy thang điểm.")
    emulation_year = permissions.get_year_for_user(user, scale.emulation_year_id, write=write)
    scale = Scale.objects.get(pk=pk)
    scale.emulation_year = emulation_year
    return scale


def _get_criterion(user, pk: int) -> Criterion:
    criterion = Criterion.objects.filter(pk=pk).only("pk", "scale_id").first()
    if criterion is None:
        raise Http404("Không tìm thấy tiêu chí.")
    scale = _get_scale(user, criterion.scale_id, write=True)
    criterion = Criterion.objects.select_related("parent").get(pk=pk)
    criterion.scale = scale
    return criterion


@require_POST
def scale_create(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    form = forms.ScaleCreateForm(request.POST)
    if form.is_valid():
        try:
            scale = scales.create_scale(emulation_year, actor=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã tạo thang điểm."))
            return redirect(scale)
    return _render_year(request, emulation_year, scale_form=form)


@require_POST
def scale_copy(request, pk: int):
    """Sao chép a visible scale into year ``pk`` as its next version."""
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    form = forms.ScaleCopyForm(request.POST, sources=_copy_sources(request.user, emulation_year))
    if form.is_valid():
        try:
            scale = scales.copy_scale(
                form.cleaned_data["source"],
                into=emulation_year,
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã sao chép thang điểm thành phiên bản %(v)s.") % {"v": scale.version},
            )
            return redirect(scale)
    current = scales.current_scale(emulation_year)
    if current is None:
        return _render_year(request, emulation_year, copy_form=form)
    current.emulation_year = emulation_year
    return _render_scale(request, current, copy_form=form)


@require_POST
def scale_new_version(request, pk: int):
    scale = _get_scale(request.user, pk, write=True)
    form = forms.NewVersionForm(request.POST)
    if form.is_valid():
        try:
            copy = scales.new_version(scale, reason=form.cleaned_data["reason"], actor=request.user)
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo phiên bản %(v)s; các bảng điểm chưa nộp chuyển sang phiên bản mới.")
                % {"v": copy.version},
            )
            return redirect(copy)
    return _render_scale(request, scale, version_form=form)


@require_POST
def criterion_add(request, pk: int):
    scale = _get_scale(request.user, pk, write=True)
    form = forms.CriterionAddForm(request.POST, scale=scale)
    if form.is_valid():
        data = form.cleaned_data
        try:
            criterion = scales.add_criterion(
                scale,
                parent=data["parent"],
                section=data["section"],
                title=data["title"],
                max_points=data["max_points"],
                method=data["method"],
                step=data["step"],
                target_code=data["target_code"],
                floor_percent=data["floor_percent"],
                guidance=data["guidance"],
                evidence_expected=data["evidence_expected"],
                actor=request.user,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã thêm tiêu chí %(c)s.") % {"c": criterion})
            return redirect(scale)
    return _render_scale(request, scale, criterion_form=form)


def criterion_edit(request, pk: int):
    criterion = _get_criterion(request.user, pk)
    scale = criterion.scale
    form = forms.CriterionEditForm.for_criterion(
        criterion, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            scales.update_criterion(criterion, actor=request.user, **form.changes())
        except RuleViolation as exc:
            _form_error(form, exc)
            criterion.refresh_from_db()
        else:
            messages.success(request, _("Đã sửa tiêu chí %(c)s.") % {"c": criterion})
            return redirect(scale)
    return render(
        request,
        "emulation/scale_criterion.html",
        {"criterion": criterion, "scale": scale, "form": form},
    )


@require_POST
def criterion_delete(request, pk: int):
    criterion = _get_criterion(request.user, pk)
    scale = criterion.scale
    label = str(criterion)
    try:
        scales.delete_criterion(criterion, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa tiêu chí %(c)s.") % {"c": label})
    return redirect(scale)


# --- pledge ------------------------------------------------------------------------------------


def _render_pledge(request, emulation_year: EmulationYear, **forms_given):
    can_manage = permissions.can_manage_year(request.user, emulation_year)
    pledge = (
        Pledge.objects.filter(emulation_year=emulation_year).prefetch_related("task_groups").first()
    )
    writable = can_manage and not emulation_year.is_closed
    context = {
        "emulation_year": emulation_year,
        "pledge": pledge,
        "can_manage": can_manage,
        "signatories": [],
    }
    if pledge is not None:
        signed_ids = list(pledge.signatories.values_list("pk", flat=True))
        context["signatories"] = _sorted_units(signed_ids, emulation_year.year)
    if writable and pledge is None:
        context["pledge_form"] = forms_given.get("pledge_form") or forms.PledgeForm(
            initial={"title": _("Giao ước thi đua năm %(y)s") % {"y": emulation_year.year}}
        )
    if writable and pledge is not None and not pledge.is_signed:
        context["group_form"] = forms_given.get("group_form") or forms.TaskGroupForm()
        context["sign_form"] = forms_given.get("sign_form") or forms.SignForm()
    return render(request, "emulation/pledge.html", context)


def pledge_detail(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk)
    return _render_pledge(request, emulation_year)


def _pledge_of(emulation_year: EmulationYear) -> Pledge:
    pledge = Pledge.objects.filter(emulation_year=emulation_year).first()
    if pledge is None:
        raise Http404("Năm thi đua chưa có giao ước.")
    pledge.emulation_year = emulation_year
    return pledge


def _pledge_action(request, pk: int, form_class, form_name: str, action, done: str):
    """Parse the form, run one pledge service, and come back to the pledge page (or show
    the form again with the refusal)."""
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(emulation_year, actor=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("emulation:pledge", emulation_year.pk)
    return _render_pledge(request, emulation_year, **{form_name: form})


@require_POST
def pledge_create(request, pk: int):
    return _pledge_action(
        request,
        pk,
        forms.PledgeForm,
        "pledge_form",
        pledges.create_pledge,
        _("Đã tạo giao ước thi đua."),
    )


@require_POST
def pledge_group_add(request, pk: int):
    def add(emulation_year, **data):
        return pledges.add_task_group(_pledge_of(emulation_year), **data)

    return _pledge_action(
        request, pk, forms.TaskGroupForm, "group_form", add, _("Đã thêm nhóm nhiệm vụ.")
    )


@require_POST
def pledge_sign(request, pk: int):
    def sign(emulation_year, **data):
        return pledges.sign_pledge(_pledge_of(emulation_year), **data)

    return _pledge_action(
        request, pk, forms.SignForm, "sign_form", sign, _("Đã ghi nhận ký kết giao ước.")
    )


def pledge_docx(request, pk: int):
    from emulation import documents

    emulation_year = permissions.get_year_for_user(request.user, pk)
    pledge = _pledge_of(emulation_year)
    content = _as_bytes(documents.pledge_docx(pledge))
    return _attachment(content, DOCX, f"giao-uoc-{emulation_year.year}.docx")


def _as_bytes(document) -> bytes:
    """The generators may return bytes, a file-like object or a python-docx/openpyxl
    document; the page sends bytes."""
    if isinstance(document, bytes | bytearray):
        return bytes(document)
    if hasattr(document, "getvalue"):
        return document.getvalue()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- targets -----------------------------------------------------------------------------------


def _target_row(request, target: Target, emulation_year: EmulationYear, can_manage: bool):
    attainment = target_services.target_attainment(target)
    return {
        "target": target,
        "attainment": attainment,
        "met": target_services.is_met(target.kind, target.planned, target.actual),
        "actual_input": forms.plain_number(target.actual),
        "can_report": not emulation_year.is_closed
        and (can_manage or target.unit_id in org_permissions.officer_units(request.user)),
    }


def _render_targets(request, emulation_year: EmulationYear, **forms_given):
    user = request.user
    can_manage = permissions.can_manage_year(user, emulation_year)
    participant_ids = list(emulation_year.participants.values_list("unit_id", flat=True))
    units = [
        (pk, name)
        for pk, name in _sorted_units(participant_ids, emulation_year.year)
        if can_manage or permissions.can_view_targets(user, emulation_year, pk)
    ]
    visible = {pk for pk, _name in units}
    by_unit: dict[int, list] = {pk: [] for pk in visible}
    for target in emulation_year.targets.filter(unit_id__in=visible).order_by("code"):
        by_unit[target.unit_id].append(_target_row(request, target, emulation_year, can_manage))
    context = {
        "emulation_year": emulation_year,
        "groups": [(pk, name, by_unit[pk]) for pk, name in units],
        "can_manage": can_manage,
    }
    if can_manage and not emulation_year.is_closed:
        context["target_form"] = forms_given.get("target_form") or forms.TargetForm(
            units=_sorted_units(participant_ids, emulation_year.year)
        )
    return render(request, "emulation/targets.html", context)


def targets_page(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk)
    return _render_targets(request, emulation_year)


@require_POST
def target_set(request, pk: int):
    emulation_year = permissions.get_year_for_user(request.user, pk, write=True)
    participant_ids = list(emulation_year.participants.values_list("unit_id", flat=True))
    form = forms.TargetForm(request.POST, units=_sorted_units(participant_ids, emulation_year.year))
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = target_services.set_target(
                emulation_year,
                data["unit"],
                code=data["code"],
                title=data["title"],
                kind=data["kind"],
                planned=data["planned"],
                measure=data["measure"],
                actor=request.user,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã giao chỉ tiêu “%(t)s”.") % {"t": target})
            return redirect("emulation:targets", emulation_year.pk)
    return _render_targets(request, emulation_year, target_form=form)


@require_POST
def target_actual(request, pk: int):
    """Báo cáo kết quả: the unit's officer or a manager; htmx swaps the row in place."""
    target = permissions.get_target_for_user(request.user, pk, write=True)
    emulation_year = target.emulation_year
    form = forms.ActualForm(request.POST)
    error = None
    if form.is_valid():
        try:
            target_services.record_actual(target, form.cleaned_data["actual"], actor=request.user)
        except RuleViolation as exc:
            error = exc.message
            target.refresh_from_db()
    else:
        error = _("Kết quả phải là một số (ví dụ 243 hoặc 92,4).")
    if request.htmx:
        can_manage = permissions.can_manage_year(request.user, emulation_year)
        row = _target_row(request, target, emulation_year, can_manage)
        return render(request, "emulation/_target_row.html", {"row": row, "error": error})
    if error:
        messages.error(request, f"{target}: {error}")
    else:
        messages.success(request, _("Đã ghi nhận kết quả “%(t)s”.") % {"t": target})
    return redirect("emulation:targets", emulation_year.pk)


# --- periods and ranking -----------------------------------------------------------------------


def period_detail(request, pk: int):
    user = request.user
    period = permissions.get_period_for_user(user, pk)
    emulation_year = period.emulation_year
    can_manage = permissions.can_manage_year(user, emulation_year)
    sheets = list(period.sheets.all())
    names = registry.names_on(
        [s.unit_id for s in sheets], year_end(emulation_year.year), short=True
    )
    rows = []
    for sheet in sheets:
        sheet.period = period  # shares the year (and its caches) with the permission checks
        visible = can_manage or period.is_published or permissions.can_view_sheet(user, sheet)
        rows.append(
            {
                "sheet": sheet,
                "name": names.get(sheet.unit_id, ""),
                "visible": visible,
                "percent": _percent(sheet.final_total, sheet.final_max)
                if visible and permissions.can_see_results(user, sheet)
                else None,
            }
        )
    rows.sort(key=lambda row: sort_key(row["name"]))
    context = {
        "period": period,
        "emulation_year": emulation_year,
        "rows": rows,
        "can_manage": can_manage,
        "whole_period": permissions.sees_whole_period(user, emulation_year),
        "writable": can_manage and not emulation_year.is_closed,
        "finals": sum(1 for s in sheets if s.status == SheetStatus.FINAL),
        "ranking_visible": can_manage or period.is_published,
        "without_sheet": emulation_year.participants.exclude(
            unit_id__in=[s.unit_id for s in sheets]
        ).count(),
        "open_for_entry": cycle.is_open_for_entry(period),
    }
    return render(request, "emulation/period_detail.html", context)


@require_POST
def period_open_sheets(request, pk: int):
    period = permissions.get_period_for_user(request.user, pk, write=True)
    try:
        created = sheet_services.open_sheets(period, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã phát %(n)s bảng điểm.") % {"n": len(created)})
    return redirect(period)


@require_POST
def period_publish(request, pk: int):
    period = permissions.get_period_for_user(request.user, pk, write=True)
    try:
        cycle.publish_period(period, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã công bố kết quả %(p)s.") % {"p": period})
    return redirect(period)


def _get_ranked_period(user, pk: int) -> Period:
    """Managers see the ranking always; other participants only once it is published."""
    period = permissions.get_period_for_user(user, pk)
    if not (period.is_published or permissions.can_manage_year(user, period.emulation_year)):
        raise Http404("Kết quả kỳ này chưa được công bố.")
    return period


def ranking_page(request, pk: int):
    period = _get_ranked_period(request.user, pk)
    can_manage = permissions.can_manage_year(request.user, period.emulation_year)
    # Xếp hạng tạm tính: managers follow the review as it happens (latest layer of every
    # cell); members only ever see the published final ranking.
    whole_period = permissions.sees_whole_period(request.user, period.emulation_year)
    provisional = whole_period and request.GET.get("tam-tinh") == "1"
    result = ranking.rank(period, provisional=provisional)
    rows = [
        {
            "row": row,
            "suggestion": SUGGESTIONS.get(row.suggestion, ""),
        }
        for row in result.rows
    ]
    pending_names = registry.names_on(
        [s.unit_id for s in result.pending], year_end(period.emulation_year.year), short=True
    )
    pending = sorted(
        ((s, pending_names.get(s.unit_id, "")) for s in result.pending),
        key=lambda item: sort_key(item[1]),
    )
    chart = {
        "labels": [row.name for row in result.rows],
        "values": [float(row.percent) for row in result.rows],
    }
    context = {
        "period": period,
        "emulation_year": period.emulation_year,
        "ranking": result,
        "rows": rows,
        "pending": pending,
        "chart": chart,
        "tie_breaks": [ranking.tie_break_label(code) for code in result.tie_breaks],
        "can_manage": can_manage,
        "provisional": provisional,
        "whole_period": whole_period,
    }
    return render(request, "emulation/ranking.html", context)


def period_summary_xlsx(request, pk: int):
    """Bảng tổng hợp: every unit's self scores against the review, pending sheets included,
    so only for the year's managers (as emulation.excel.export_summary says)."""
    from emulation import excel

    period = permissions.get_period_for_user(request.user, pk, write=True)
    if not (
        period.is_published or permissions.sees_whole_period(request.user, period.emulation_year)
    ):
        # A competing cluster head would read the review of its own sheet under way.
        raise Http404
    content = _as_bytes(excel.export_summary(period))
    filename = f"tong-hop-{period.get_kind_display()}-{period.emulation_year.year}.xlsx"
    return _attachment(content, XLSX, _ascii_slug(filename))


def _ascii_slug(filename: str) -> str:
    from django.utils.text import slugify

    stem, _dot, ext = filename.rpartition(".")
    return f"{slugify(stem.replace('đ', 'd').replace('Đ', 'D'))}.{ext}"

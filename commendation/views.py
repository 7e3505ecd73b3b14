"""Xếp loại chất lượng pages, under /xep-loai/.

- the index: the rule sets (validity, citation, guidance, bands, quota and how sure it is)
  and which rule set judges each year, with the units the user may start from;
- a unit's year: its own result (and the form to record it, for the competent level), the
  roll-ups of people's and grassroots organizations' levels down its subtree, the quota of
  the people under it and of its subordinate units, and for a group over the quota a
  read-only suggestion of who would keep HTXSNV;
- streaks ("n năm liền") of the unit and of the people under it, and a person's history;
- the person registry: search ignoring case and accents, and, for an officer who may record
  for the person's unit (permissions.can_record_for, this year), adding and editing people;
- the import of people's results from a CSV or Excel file, with a progress bar; a rejected
  batch dismissed, a finished one removed (its results deleted) to import the file again.

Each view: check access (commendation.permissions; missing and forbidden are both 404), call
the service, render the page or, for htmx requests, the fragment. A RuleViolation's
Vietnamese message is shown as it is; nothing is saved when a service refuses.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import connections
from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commendation import forms, permissions, uploads
from commendation.forms_people import PersonForm
from commendation.models import (
    LEVEL_ABBREVIATIONS,
    ImportBatch,
    Level,
    Person,
    PersonClassification,
    RuleSet,
    UnitClassification,
)
from commendation.services import batches, imports, quota, rollups, rules
from commendation.services import people as people_service
from commendation.services import streaks as streaks_service
from core.exceptions import RuleViolation
from core.text import normalize, person_sort_key, sort_key
from organizations import permissions as org_permissions
from organizations.models import Unit, UnitVersion
from organizations.models.units import covering

FIRST_YEAR = 2017
# A suggestion lists every candidate of the group; beyond this many the page asks the user
# to open a lower unit instead of printing thousands of names.
SUGGESTION_LIMIT = 500
LEVELS = [(level, LEVEL_ABBREVIATIONS[level], label) for level, label in Level.choices]


# --- helpers ---------------------------------------------------------------------------------


def _this_year() -> int:
    return timezone.localdate().year


def _years() -> list[int]:
    return list(range(FIRST_YEAR, _this_year() + 1))


def _valid_year(year: int) -> int:
    """Years in addresses are typed by hand: one far outside the records is "not found"."""
    if not 1900 <= year <= _this_year() + 1:
        raise Http404("Không có năm này.")
    return year


def _last_day(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _name_on(unit: Unit, year: int) -> str:
    version = unit.version_on(_last_day(year)) or unit.latest_version
    return version.name if version else unit.code


def _rule_set_or_reason(year: int) -> tuple[RuleSet | None, str]:
    try:
        return rules.rule_set_for(year), ""
    except RuleViolation as exc:
        return None, exc.message


def _children(unit: Unit, year: int) -> list[UnitVersion]:
    """The units directly under ``unit`` on 31 December of ``year``, by name."""
    versions = UnitVersion.objects.filter(covering(_last_day(year)), parent=unit).select_related(
        "unit"
    )
    return sorted(versions, key=lambda v: sort_key(v.short_name))


def _starting_units(user) -> list[Unit]:
    """Where a user starts: their own units; for sector-wide users, the top of the registry
    and the units right under it."""
    today = timezone.localdate()
    if org_permissions.is_sector_wide(user):
        roots = UnitVersion.objects.filter(covering(today), parent__isnull=True).values("unit")
        units = Unit.objects.filter(
            Q(pk__in=roots)
            | Q(pk__in=UnitVersion.objects.filter(covering(today), parent__in=roots).values("unit"))
        )
    else:
        units = Unit.objects.filter(pk__in=org_permissions.officer_units(user))
    units = units.select_related("kind").prefetch_related("versions")
    return sorted(units, key=lambda u: (u.kind.level, sort_key(str(u))))


# --- index -----------------------------------------------------------------------------------


def index(request):
    rule_sets = RuleSet.objects.prefetch_related("bands", "disqualifiers")
    years = []
    for year in _years():
        rule_set, reason = _rule_set_or_reason(year)
        years.append({"year": year, "rule_set": rule_set, "reason": reason})
    context = {
        "rule_sets": rule_sets,
        "years": years,
        "year": _this_year(),
        "units": _starting_units(request.user),
        "can_import": bool(
            org_permissions.is_sector_wide(request.user)
            or org_permissions.officer_units(request.user)
        ),
    }
    return render(request, "commendation/index.html", context)


# --- a unit's year ---------------------------------------------------------------------------


def _result_context(request, unit: Unit, year: int, *, form=None) -> dict:
    """The unit's own result and, for the competent level, the form to record it."""
    result = (
        UnitClassification.objects.filter(unit=unit, year=year).select_related("rule_set").first()
    )
    rule_set, rule_reason = _rule_set_or_reason(year)
    can_record = permissions.can_record_for(request.user, unit, year)
    if can_record and form is None and rule_set is not None:
        initial = {}
        if result is not None:
            initial = {
                "level": result.level,
                "score": str(result.score).replace(".", ",") if result.score is not None else "",
                "exemplary": result.exemplary,
                "disqualifiers": result.disqualifiers,
                "group": result.group,
                "proposed_by": result.proposed_by,
                "decided_by": result.decided_by,
                "decided_on": result.decided_on,
            }
        form = forms.UnitResultForm(initial=initial, rule_set=rule_set)
    disqualifier_titles = []
    if result is not None and result.disqualifiers:
        titles = dict(result.rule_set.disqualifiers.values_list("code", "title"))
        disqualifier_titles = [titles.get(code, code) for code in result.disqualifiers]
    return {
        "unit": unit,
        "year": year,
        "result": result,
        "result_abbreviation": LEVEL_ABBREVIATIONS.get(result.level) if result else "",
        "disqualifier_titles": disqualifier_titles,
        "rule_set": rule_set,
        "rule_reason": rule_reason,
        "can_record": can_record,
        "form": form,
    }


def _rows_with_levels(rows) -> list[dict]:
    """Roll-up rows with their counts and percentages in level order, for the template."""
    return [
        {
            "row": row,
            "cells": [(row.counts[level], row.percents[level]) for level in Level.values],
        }
        for row in rows
    ]


def _suggestion(year: int, group: quota.GroupQuota, candidates, rule_set: RuleSet | None):
    if len(candidates) > SUGGESTION_LIMIT:  # the queries fetch one more than the limit
        return {"group": group, "too_many": SUGGESTION_LIMIT}
    suggestion = quota.suggest(
        candidates,
        good=group.good,
        percent=group.percent,
        group=group.group,
        rule_set=rule_set,
        outstanding=group.outstanding,
        allowance=group.allowance,
    )
    return {"group": group, "suggestion": suggestion}


def _in_group(name: str) -> Q:
    if name == quota.DEFAULT_GROUP:
        return Q(group="") | Q(group=quota.DEFAULT_GROUP)
    return Q(group=name)


def _person_suggestions(year, unit, groups, rule_set) -> list[dict]:
    found = []
    for group in groups:
        if group.ok:
            continue
        candidates = [
            (c, c.score)
            for c in PersonClassification.objects.filter(
                _in_group(group.group),
                year=year,
                level=Level.EXCELLENT,
                unit_id__in=quota.subtree_ids(unit, _last_day(year)),
            )
            .select_related("person", "unit")
            .prefetch_related("unit__versions")
            .order_by("person__full_name")[: SUGGESTION_LIMIT + 1]
        ]
        found.append(_suggestion(year, group, candidates, rule_set))
    return found


def _unit_suggestions(year, unit_ids, groups, rule_set) -> list[dict]:
    found = []
    for group in groups:
        if group.ok:
            continue
        candidates = [
            (c, c.score)
            for c in UnitClassification.objects.filter(
                _in_group(group.group), year=year, level=Level.EXCELLENT, unit_id__in=unit_ids
            )
            .select_related("unit")
            .prefetch_related("unit__versions")[: SUGGESTION_LIMIT + 1]
        ]
        found.append(_suggestion(year, group, candidates, rule_set))
    return found


def _quota_context(year: int, unit: Unit, children: list[UnitVersion]) -> dict:
    rule_set, reason = _rule_set_or_reason(year)
    context = {"quota_reason": reason, "people_quota": [], "units_quota": []}
    if rule_set is None:
        return context
    child_ids = [v.unit_id for v in children]
    try:
        people = quota.check_people(year, within=unit)
        units = quota.check_units(year, child_ids, within=unit)
    except RuleViolation as exc:
        context["quota_reason"] = exc.message
        return context
    context.update(
        people_quota=people,
        units_quota=units,
        people_suggestions=_person_suggestions(year, unit, people, rule_set),
        units_suggestions=_unit_suggestions(year, child_ids, units, rule_set),
    )
    return context


def _ancestors_visible(user, unit: Unit, year: int) -> list[Unit]:
    ids = permissions.ancestors(unit, year)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids).prefetch_related("versions")}
    return [
        units[pk]
        for pk in reversed(ids)
        if pk in units and permissions.can_view_unit(user, units[pk], year)
    ]


def _unit_page(request, unit: Unit, year: int, *, form=None):
    children = _children(unit, year)
    people = rollups.people_rollup(year, unit)
    organizations = rollups.units_rollup(year, unit)
    context = {
        **_result_context(request, unit, year, form=form),
        **_quota_context(year, unit, children),
        "name": _name_on(unit, year),
        "crumbs": _ancestors_visible(request.user, unit, year),
        "years": _years(),
        "levels": LEVELS,
        "children": children,
        # the unit itself and the units right under it; each child's page goes further down
        "people_rows": _rows_with_levels(r for r in people if r.depth <= 1),
        "unit_rows": _rows_with_levels(r for r in organizations if r.depth <= 1),
        "can_import": permissions.can_import_within(request.user, unit, year),
    }
    return render(request, "commendation/unit.html", context)


def unit_year(request, pk: int, year: int):
    unit = permissions.get_unit_for_user(request.user, pk, _valid_year(year))
    return _unit_page(request, unit, year)


@require_POST
def unit_record(request, pk: int, year: int):
    """Record or change the unit's own result (the competent level: a unit above it)."""
    unit = permissions.get_unit_for_user(request.user, pk, _valid_year(year), write=True)
    rule_set, reason = _rule_set_or_reason(year)
    form = forms.UnitResultForm(request.POST, rule_set=rule_set)
    saved = None
    if rule_set is None:
        form.add_error(None, reason)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            saved = rules.record_unit_classification(
                unit,
                year,
                level=data["level"],
                actor=request.user,
                score=data["score"],
                exemplary=data["exemplary"],
                group=data["group"],
                disqualifiers=data.get("disqualifiers", []),
                proposed_by=data["proposed_by"],
                decided_by=data["decided_by"],
                decided_on=data["decided_on"],
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
    if request.htmx:
        context = _result_context(request, unit, year, form=None if saved else form)
        context["saved"] = saved is not None
        return render(request, "commendation/_unit_result.html", context)
    if saved is not None:
        messages.success(request, _("Đã ghi nhận kết quả xếp loại năm %(year)s.") % {"year": year})
        return redirect("commendation:unit", unit.pk, year)
    return _unit_page(request, unit, year, form=form)


# --- streaks ---------------------------------------------------------------------------------

STREAK_LENGTH = 5  # "5 năm liền": the length Hướng dẫn 06-HD/TW §19 rewards
PEOPLE_STREAK_LIMIT = 500


def _policy(request) -> str:
    value = request.GET.get("chinh_sach") or streaks_service.MergePolicy.ALL_PREDECESSORS
    if value not in streaks_service.MergePolicy.values:
        return streaks_service.MergePolicy.ALL_PREDECESSORS
    return value


def streaks(request, pk: int, year: int):
    unit = permissions.get_unit_for_user(request.user, pk, _valid_year(year))
    policy = _policy(request)
    unit_streaks = [
        streaks_service.unit_streak(
            unit, level=level, until_year=year, policy=policy, exemplary_only=exemplary
        )
        for level, exemplary in (
            (Level.EXCELLENT, True),
            (Level.EXCELLENT, False),
            (Level.GOOD, False),
        )
    ]
    found = streaks_service.people_streaks(
        level=Level.EXCELLENT, length=STREAK_LENGTH, until_year=year, within=unit
    )
    people = Person.objects.in_bulk([pid for pid, _n in found[:PEOPLE_STREAK_LIMIT]])
    where = {
        r.person_id: r.unit
        for r in PersonClassification.objects.filter(year=year, person_id__in=list(people))
        .select_related("unit")
        .prefetch_related("unit__versions")
    }
    rows = [
        {
            "person": people[pid],
            "length": n,
            "first_year": year - n + 1,
            "unit": where.get(pid),
        }
        for pid, n in found[:PEOPLE_STREAK_LIMIT]
        if pid in people
    ]
    rows.sort(key=lambda r: person_sort_key(r["person"].full_name))
    context = {
        "unit": unit,
        "year": year,
        "name": _name_on(unit, year),
        "years": _years(),
        "policy": policy,
        "policies": streaks_service.MergePolicy.choices,
        "default_policy": streaks_service.MergePolicy.ALL_PREDECESSORS,
        "unit_streaks": unit_streaks,
        "people": rows,
        "people_total": len(found),
        "people_limit": PEOPLE_STREAK_LIMIT,
        "streak_length": STREAK_LENGTH,
        "levels": LEVELS,
    }
    return render(request, "commendation/streaks.html", context)


def person_detail(request, pk: int):
    person = permissions.get_person_for_user(request.user, pk)
    can_edit = permissions.can_edit_person(request.user, person)
    history = list(
        PersonClassification.objects.filter(person=person)
        .select_related("unit", "rule_set")
        .prefetch_related("unit__versions")
        .order_by("-year")
    )
    latest = history[0].year if history else _this_year()
    try:
        year = _valid_year(int(request.GET.get("nam") or latest))
    except (ValueError, Http404):
        year = latest
    for row in history:
        version = row.unit.version_on(_last_day(row.year)) or row.unit.latest_version
        row.unit_name = version.name if version else row.unit.code
        row.abbreviation = LEVEL_ABBREVIATIONS[row.level]
    person_streaks = [
        streaks_service.person_streak(person, level=level, until_year=year)
        for level in (Level.EXCELLENT, Level.GOOD)
    ]
    context = {
        "person": person,
        "year": year,
        "history": history,
        "history_years": [row.year for row in history],
        "person_streaks": person_streaks,
        "moved": len({row.unit_id for row in history}) > 1,
        "levels": LEVELS,
        "can_edit": can_edit,
    }
    return render(request, "commendation/person.html", context)


# --- the person registry ---------------------------------------------------------------------

PEOPLE_SHOWN = 100  # a search lists this many; more asks for a narrower search


def people_list(request):
    query = request.GET.get("tim", "")
    found, more = people_service.find_people(
        permissions.get_people_for_user(request.user), query, PEOPLE_SHOWN
    )
    context = {
        "query": query,
        "people": found,
        "more": more,
        "limit": PEOPLE_SHOWN,
        "can_add": permissions.can_add_people(request.user),
    }
    return render(request, "commendation/people.html", context)


_PERSON_FIELDS = {"unit": "unit_code"}  # service field → form field, where they differ


def _save_person(request, form: PersonForm, person: Person | None = None) -> Person | None:
    """Resolve the unit code the user may record for, then call the service; the reasons of
    a refusal go onto the form."""
    data = form.cleaned_data
    unit = None
    if data["unit_code"]:
        code = normalize(data["unit_code"])
        unit = Unit.objects.filter(code=code).prefetch_related("versions").first()
        if unit is None or not permissions.unit_to_record_for(request.user, unit, person):
            # missing and forbidden look the same
            form.add_error(
                "unit_code",
                _("Không có đơn vị mã “%(code)s” mà bạn được ghi nhận cho.") % {"code": code},
            )
            return None
    elif not permissions.unit_to_record_for(request.user, None):
        form.add_error("unit_code", _("Nhập mã đơn vị nơi người này sinh hoạt."))
        return None
    details = {
        "code": data["code"],
        "full_name": data["full_name"],
        "gender": data["gender"],
        "birth_year": data["birth_year"],
        "unit": unit,
        "actor": request.user,
    }
    try:
        if person is None:
            return people_service.create_person(**details)
        return people_service.update_person(person, **details)
    except RuleViolation as exc:
        field = _PERSON_FIELDS.get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, exc.message)
    return None


def person_create(request):
    if not permissions.can_add_people(request.user):
        raise Http404
    form = PersonForm(request.POST or None, initial={"unit_code": request.GET.get("don_vi", "")})
    if request.method == "POST" and form.is_valid():
        person = _save_person(request, form)
        if person is not None:
            messages.success(
                request, _("Đã thêm %(name)s vào hồ sơ cá nhân.") % {"name": person.full_name}
            )
            return redirect("commendation:person", person.pk)
    context = {"form": form, "person": None}
    return render(request, "commendation/person_form.html", context)


def person_edit(request, pk: int):
    person = permissions.get_person_for_user(request.user, pk)
    if not permissions.can_edit_person(request.user, person):
        raise Http404("Không tìm thấy cá nhân.")
    initial = {
        "code": person.code,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_year": person.birth_year,
        "unit_code": person.unit.code if person.unit_id else "",
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_person(request, form, person)
        if saved is not None:
            messages.success(
                request, _("Đã lưu thông tin của %(name)s.") % {"name": saved.full_name}
            )
            return redirect("commendation:person", saved.pk)
    context = {"form": form, "person": person}
    return render(request, "commendation/person_form.html", context)


# --- import ----------------------------------------------------------------------------------

IMPORT_WAIT_SECONDS = 30  # how long the upload waits for the worker to open the batch
RECENT_BATCHES = 20


@dataclass
class _Started:
    """What the worker thread tells the request that started it: the batch it opened, or
    why it could not open one (e.g. no rule set judges the year)."""

    ready: threading.Event = field(default_factory=threading.Event)
    batch_id: int | None = None
    error: str = ""


_worker = threading.local()


@receiver(post_save, sender=ImportBatch, dispatch_uid="commendation-import-started")
def _batch_opened(sender, instance, created, **kwargs):
    """The import service creates its batch before reading the file: the worker thread that
    is waiting for it learns its id here (only in that thread, only for a new batch)."""
    started = getattr(_worker, "started", None)
    if created and started is not None and started.batch_id is None:
        started.batch_id = instance.pk
        started.ready.set()


def _run_import(path: Path, *, year: int, scope: Unit, actor, file_name: str, started=None):
    try:
        if started is not None:
            _worker.started = started
        return imports.import_person_results(
            path,
            year=year,
            scope=scope,
            actor=actor,
            file_name=file_name,
            stored_as=uploads.stored_name(path),
        )
    except RuleViolation as exc:
        uploads.discard(path)  # refused before a batch was opened: nothing holds the file
        if started is None:
            raise
        started.error = exc.message
    finally:
        if started is not None:
            _worker.started = None
            started.ready.set()  # also when the service failed before opening a batch
            connections.close_all()  # this thread's own connection
    return None


def _import_scopes(request, preferred: Unit | None):
    units = [u.pk for u in _starting_units(request.user)]
    if preferred is not None:
        units.append(preferred.pk)
    return Unit.objects.filter(pk__in=units).prefetch_related("versions")


def import_start(request):
    if not (
        org_permissions.is_sector_wide(request.user) or org_permissions.officer_units(request.user)
    ):
        raise Http404
    preferred = None
    if request.GET.get("don_vi", "").isdigit():
        year = int(request.GET["nam"]) if request.GET.get("nam", "").isdigit() else _this_year()
        preferred = permissions.get_unit_for_user(request.user, int(request.GET["don_vi"]), year)
    initial = {
        "year": request.GET.get("nam") or _this_year() - 1,
        "scope": preferred.pk if preferred else None,
    }
    scopes = _import_scopes(request, preferred)
    if request.method == "POST":
        posted = request.POST.get("scope", "")
        if posted.isdigit():
            # the unit page's link may offer a unit that is not among the starting points
            scopes = scopes | Unit.objects.filter(pk=int(posted))
        form = forms.ImportForm(request.POST, request.FILES, scopes=scopes)
    else:
        form = forms.ImportForm(initial=initial, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        year, scope = form.cleaned_data["year"], form.cleaned_data["scope"]
        if not permissions.can_import_within(request.user, scope, year):
            raise Http404("Không tìm thấy đơn vị.")
        upload = form.cleaned_data["file"]
        path = uploads.keep_upload(upload)
        arguments = {"year": year, "scope": scope, "actor": request.user, "file_name": upload.name}
        if getattr(settings, "THIDUA_IMPORT_INLINE", False):
            try:
                batch = _run_import(path, **arguments)
            except RuleViolation as exc:
                form.add_error("year", exc.message)
            else:
                return redirect("commendation:batch", batch.pk)
        else:
            started = _Started()
            threading.Thread(
                target=_run_import,
                kwargs={"path": path, **arguments, "started": started},
                name=f"import-{path.parent.name}",
                daemon=True,
            ).start()
            started.ready.wait(IMPORT_WAIT_SECONDS)
            if started.batch_id is not None:
                return redirect("commendation:batch", started.batch_id)
            form.add_error(None, started.error or _("Chưa bắt đầu nhập được, hãy thử lại."))
    recent = batches.batches_for_user(request.user)[:RECENT_BATCHES]
    return render(request, "commendation/import.html", {"form": form, "recent": recent})


def _batch_context(batch: ImportBatch, user) -> dict:
    running = batch.status == ImportBatch.Status.RUNNING
    counts = []
    if batch.status == ImportBatch.Status.DONE:
        found = dict(
            PersonClassification.objects.filter(batch=batch)
            .order_by()
            .values_list("level")
            .annotate(n=Count("pk"))
        )
        counts = [
            (abbreviation, label, found.get(level, 0)) for level, abbreviation, label in LEVELS
        ]
    return {
        "batch": batch,
        "running": running,
        # staged every row: the file is being checked and saved in one transaction
        "checking": running and batch.total_rows and batch.processed_rows >= batch.total_rows,
        "counts": counts,
        "errors_shown": len(batch.errors),
        "errors_cut": batch.rejected_rows > len(batch.errors),
        # whoever sees a rejected batch may dismiss it; removing results needs the scope
        "can_dismiss": batch.status == ImportBatch.Status.REJECTED,
        "can_remove": batch.status == ImportBatch.Status.DONE
        and batches.can_remove_batch(user, batch),
    }


def import_batch(request, pk: int):
    batch = permissions.get_batch_for_user(request.user, pk)
    return render(request, "commendation/batch.html", _batch_context(batch, request.user))


def batch_source(request, pk: int):
    """The file a batch imported, as uploaded (to whoever may see the batch)."""
    batch = permissions.get_batch_for_user(request.user, pk)
    return uploads.source_response(batch)


def import_progress(request, pk: int):
    """The fragment the batch page polls every second while the import runs."""
    batch = permissions.get_batch_for_user(request.user, pk)
    return render(request, "commendation/_batch_progress.html", _batch_context(batch, request.user))


@require_POST
def batch_dismiss(request, pk: int):
    """Dismiss a rejected batch: it leaves the list of batches (audited)."""
    batch = permissions.get_batch_for_user(request.user, pk)
    try:
        batches.dismiss_batch(batch, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect("commendation:batch", batch.pk)
    messages.success(
        request, _("Đã bỏ lần nhập tệp “%(name)s” khỏi danh sách.") % {"name": batch.file_name}
    )
    return redirect("commendation:import")


@require_POST
def batch_remove(request, pk: int):
    """Xóa lần nhập: delete the results a finished batch saved (audited with the count)."""
    batch = permissions.get_batch_for_user(request.user, pk)
    if not batches.can_remove_batch(request.user, batch):
        raise Http404("Không tìm thấy lần nhập.")
    try:
        count = batches.remove_batch(batch, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã xóa lần nhập tệp “%(name)s”: %(count)s kết quả xếp loại đã bị xóa.")
            % {"name": batch.file_name, "count": count},
        )
    return redirect("commendation:batch", batch.pk)

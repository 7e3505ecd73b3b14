"""Pages of the registry, clusters and elections. Each view: parse, check access, call one
service, render (the fragment for htmx requests)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import history
from core.db import vi_order
from core.exceptions import RuleViolation
from organizations import forms, lineage_graph, permissions
from organizations.models import ClusterMembership, Election, Position, Unit
from organizations.services import clusters as cluster_services
from organizations.services import elections as election_services
from organizations.services import registry


def _today() -> datetime.date:
    return timezone.localdate()


def _form_error(form, exc: RuleViolation) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def home(request):
    today = _today()
    clusters = permissions.visible_clusters(request.user).order_by("number")
    context = {
        "today": today,
        "provinces_today": Unit.objects.as_of(today).filter(kind__code="provincial_board").count(),
        "units_today": Unit.objects.as_of(today).count(),
        "clusters": clusters,
        "year": today.year,
        "roles": request.user.role_assignments.select_related("unit").prefetch_related(
            "unit__versions"
        ),
    }
    return render(request, "organizations/home.html", context)


# --- registry ------------------------------------------------------------------------------


def unit_list(request):
    form = forms.AsOfForm(request.GET or None)
    day, query, kind = _today(), "", None
    if form.is_valid():
        day = form.cleaned_data["as_of"] or day
        query = form.cleaned_data["q"]
        kind = form.cleaned_data["kind"]
    versions = registry.search_units(query, day=day)
    if kind:
        versions = versions.filter(unit__kind=kind)
    versions = versions.prefetch_related("parent__versions").order_by(
        "unit__kind__level", vi_order("short_name")
    )
    context = {
        "form": form,
        "day": day,
        "versions": versions,
        "count": versions.count(),
        "can_edit": permissions.can_edit_registry(request.user),
    }
    template = "organizations/_unit_table.html" if request.htmx else "organizations/unit_list.html"
    return render(request, template, context)


def unit_detail(request, pk: int):
    unit = permissions.get_unit_for_user(request.user, pk)
    form = forms.AsOfForm(request.GET or None)
    day = form.cleaned_data["as_of"] if form.is_valid() and form.cleaned_data["as_of"] else _today()
    versions = list(
        unit.versions.select_related("parent", "event").prefetch_related("parent__versions")
    )
    opened = {v.event_id for v in versions}
    events = [
        e
        for e in unit.events.prefetch_related(
            "links__predecessor__versions", "links__successor__versions"
        )
        if e.pk not in opened
    ]
    memberships = (
        ClusterMembership.objects.filter(unit=unit).select_related("cluster").order_by("-year")
    )
    children = registry.versions_on(day).filter(parent=unit).order_by(vi_order("short_name"))
    predecessors, successors = registry.predecessors(unit), registry.successors(unit)
    context = {
        "unit": unit,
        "day": day,
        "form": form,
        "version_then": unit.version_on(day),
        "versions": versions,
        "events": events,
        "predecessors": predecessors,
        "successors": successors,
        "resolved": registry.resolve(unit, day),
        "graph": lineage_graph.build(unit, predecessors, successors),
        "memberships": memberships,
        "children": children[:200],
        "children_count": children.count(),
        "can_edit": permissions.can_edit_registry(request.user),
    }
    return render(request, "organizations/unit_detail.html", context)


def unit_create(request):
    if not permissions.can_edit_registry(request.user):
        raise Http404
    form = forms.UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = registry.create_unit(
                form.spec(),
                actor=request.user,
                valid_from=form.cleaned_data["valid_from"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị %(unit)s.") % {"unit": unit})
            return redirect(unit)
    return render(
        request, "organizations/unit_form.html", {"form": form, "title": _("Thêm đơn vị")}
    )


def _event_view(request, pk: int, form_class, title: str, action):
    unit = permissions.get_unit_for_user(request.user, pk, write=True)
    kwargs = {"unit": unit} if form_class is forms.MergeForm else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            action(unit, form.cleaned_data)
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận: %(title)s.") % {"title": title})
            return redirect(unit)
    return render(
        request, "organizations/unit_form.html", {"form": form, "title": title, "unit": unit}
    )


def unit_rename(request, pk: int):
    def action(unit, data):
        registry.rename_unit(
            unit,
            actor=request.user,
            effective_date=data["effective_date"],
            name=data["name"],
            short_name=data["short_name"],
            legal_basis=data["legal_basis"],
            note=data["note"],
        )

    return _event_view(request, pk, forms.RenameForm, _("Đổi tên đơn vị"), action)


def unit_merge(request, pk: int):
    def action(unit, data):
        registry.merge_units(
            list(data["others"]),
            actor=request.user,
            effective_date=data["effective_date"],
            into=unit,
            legal_basis=data["legal_basis"],
            note=data["note"],
        )

    return _event_view(
        request, pk, forms.MergeForm, _("Sáp nhập đơn vị khác vào đơn vị này"), action
    )


def unit_split(request, pk: int):
    def action(unit, data):
        parent = unit.version_on(data["effective_date"] - datetime.timedelta(days=1))
        parts = [
            registry.NewUnit(**{**p.__dict__, "parent": parent.parent if parent else None})
            for p in data["parts"]
        ]
        registry.split_unit(
            unit,
            actor=request.user,
            effective_date=data["effective_date"],
            parts=parts,
            source_continues=data["source_continues"],
            legal_basis=data["legal_basis"],
            note=data["note"],
        )

    return _event_view(request, pk, forms.SplitForm, _("Chia tách đơn vị"), action)


def unit_dissolve(request, pk: int):
    def action(unit, data):
        registry.dissolve_unit(
            unit,
            actor=request.user,
            effective_date=data["effective_date"],
            legal_basis=data["legal_basis"],
            note=data["note"],
        )

    return _event_view(request, pk, forms.EventForm, _("Giải thể đơn vị"), action)


# --- clusters --------------------------------------------------------------------------------


def _year(request, default: int) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or default)
    except ValueError:
        return default


def cluster_list(request):
    year = _year(request, _today().year)
    clusters = (
        permissions.visible_clusters(request.user)
        .select_related("department", "sector")
        .prefetch_related("department__versions")
        .order_by("sector", "number")
    )
    counts = dict(
        ClusterMembership.objects.filter(year=year, cluster__in=clusters)
        .values_list("cluster")
        .annotate(n=Count("id"))
    )
    heads = {
        leader.cluster_id: leader.unit
        for leader in cluster_services.leadership_of_year(year).filter(cluster__in=clusters)
    }
    rows = [(c, counts.get(c.pk, 0), heads.get(c.pk)) for c in clusters]
    return render(
        request,
        "organizations/cluster_list.html",
        {"rows": rows, "year": year, "years": range(2017, _today().year + 2)},
    )


def cluster_detail(request, pk: int):
    cluster = permissions.get_cluster_for_user(request.user, pk)
    years = cluster_services.years(cluster)
    year = _year(request, years[-1] if years else _today().year)
    can_manage = permissions.can_manage_cluster(request.user, cluster, year)
    members = list(cluster_services.members(cluster, year))
    next_leaders = list(cluster_services.leadership(cluster, year + 1))
    context = {
        "cluster": cluster,
        "year": year,
        "years": years,
        "members": members,
        "leaders": cluster_services.leadership(cluster, year),
        "next_leaders": next_leaders,
        "elections": cluster.elections.filter(electorate_year=year).order_by("round"),
        "can_manage": can_manage,
        "add_form": forms.MemberAddForm(year=year) if can_manage else None,
    }
    return render(request, "organizations/cluster_detail.html", context)


@require_POST
def cluster_member_add(request, pk: int):
    year = _year(request, _today().year)
    cluster = permissions.get_cluster_for_user(request.user, pk, year=year, write=True)
    form = forms.MemberAddForm(request.POST, year=year)
    if form.is_valid():
        try:
            cluster_services.add_member(
                cluster, form.cleaned_data["unit"], year, actor=request.user
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã thêm thành viên."))
    else:
        messages.error(request, _("Chưa chọn đơn vị hợp lệ."))
    return redirect(f"{cluster.get_absolute_url()}?year={year}")


@require_POST
def cluster_member_remove(request, pk: int, membership_pk: int):
    membership = get_object_or_404(ClusterMembership, pk=membership_pk, cluster_id=pk)
    cluster = permissions.get_cluster_for_user(request.user, pk, year=membership.year, write=True)
    try:
        cluster_services.remove_member(membership, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã xóa %(unit)s khỏi danh sách năm %(year)s.")
            % {"unit": membership.unit, "year": membership.year},
        )
    return redirect(f"{cluster.get_absolute_url()}?year={membership.year}")


# --- elections -------------------------------------------------------------------------------


def election_create(request, pk: int):
    year = _year(request, _today().year)  # the electorate year
    cluster = permissions.get_cluster_for_user(request.user, pk, year=year, write=True)
    members = list(cluster_services.members(cluster, year))
    form = forms.ElectionForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = election_services.create_election(
                cluster,
                actor=request.user,
                for_year=year + 1,
                electorate_year=year,
                conference_title=data["conference_title"],
                held_on=data["held_on"],
                place=data["place"],
                head_candidates=list(data["head_candidates"]),
                deputy_candidates=list(data["deputy_candidates"]),
                deputy_seats=data["deputy_seats"],
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            return redirect(election)
    selected = {
        name: {str(v) for v in (form.data.getlist(name) if form.is_bound else [])}
        for name in ("head_candidates", "deputy_candidates")
    }
    return render(
        request,
        "organizations/election_form.html",
        {"cluster": cluster, "year": year, "form": form, "members": members, "selected": selected},
    )


def _election_context(request, election: Election) -> dict:
    can_manage = permissions.can_manage_cluster(
        request.user, election.cluster, election.electorate_year
    )
    members = list(cluster_services.members(election.cluster, election.electorate_year))
    ballots = {b.voter_id: b for b in election.ballots.all()}
    candidates = list(election.candidates.select_related("unit").prefetch_related("unit__versions"))
    rows = [
        {
            "member": m,
            "ballot": ballots.get(m.unit_id),
            "can_vote": election.is_open
            and m.unit_id not in ballots
            and permissions.can_vote_for(request.user, election, m.unit),
        }
        for m in members
    ]
    show_tally = election.tally or can_manage
    tally = election.tally or (election_services.tally(election).as_json() if can_manage else None)
    return {
        "election": election,
        "rows": rows,
        "head_candidates": [c for c in candidates if c.position == Position.HEAD],
        "deputy_candidates": [c for c in candidates if c.position == Position.DEPUTY],
        "ballots_cast": len(ballots),
        "can_manage": can_manage,
        "tally": tally if show_tally else None,
        "leaders": cluster_services.leadership(election.cluster, election.for_year).filter(
            election=election
        ),
    }


def election_detail(request, pk: int):
    election = permissions.get_election_for_user(request.user, pk)
    return render(
        request, "organizations/election_detail.html", _election_context(request, election)
    )


@require_POST
def election_ballot(request, pk: int, voter_pk: int):
    election = permissions.get_election_for_user(request.user, pk)
    voter = get_object_or_404(Unit, pk=voter_pk)
    if not permissions.can_vote_for(request.user, election, voter):
        raise Http404
    form = forms.BallotForm(request.POST, election=election)
    error = None
    if form.is_valid():
        try:
            election_services.cast_ballot(
                election,
                voter,
                actor=request.user,
                head=form.cleaned_data["head"],
                deputies=list(form.cleaned_data["deputies"]),
            )
        except RuleViolation as exc:
            error = exc.message
    else:
        error = _("Phiếu không hợp lệ: chỉ chọn trong danh sách ứng viên.")
    if request.htmx:
        context = _election_context(request, election)
        context["error"] = error
        context["error_voter"] = voter.pk
        return render(request, "organizations/_election_live.html", context)
    if error:
        messages.error(request, error)
    return redirect(election)


@require_POST
def election_close(request, pk: int):
    election = permissions.get_election_for_user(request.user, pk, write=True)
    try:
        result = election_services.close_election(election, actor=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        if result.decided:
            messages.success(request, _("Đã kết thúc bỏ phiếu và ghi nhận lãnh đạo cụm."))
        else:
            messages.warning(
                request, _("Đã kết thúc bỏ phiếu nhưng chưa bầu được đủ: xem các vấn đề dưới đây.")
            )
    return redirect(election)


def audit_history(request, app_label: str, model: str, pk: str):
    """Lịch sử thay đổi of one object of this app; a unit's page includes its versions
    and lineage events."""
    from django.contrib.contenttypes.models import ContentType

    if app_label != "organizations":
        raise Http404
    content_type = get_object_or_404(ContentType, app_label=app_label, model=model)
    model_class = content_type.model_class()
    if model_class is None:
        raise Http404
    obj = get_object_or_404(model_class, pk=pk)
    if not permissions.can_view_history(request.user, obj):
        raise Http404
    entries = registry.unit_history(obj) if isinstance(obj, Unit) else history(obj)
    return render(request, "core/history.html", {"object": obj, "entries": entries[:500]})


@login_not_required
def healthz(request):
    return HttpResponse("ok")

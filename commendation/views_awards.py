"""Titles and commendation pages (issue 4 §3–§4), under /khen-thuong/.

- the catalogue of emulation titles and commendation forms in force in a year: each with its
  conditions in words, citation, how sure we are of it and the council's vote threshold;
- the eligibility check of a person or a unit for a form and a year: every condition met, not
  met or data missing, with its evidence and citation, and the verdict;
- a person's record (hồ sơ thành tích): classifications, awards, initiatives, exclusions,
  streaks;
- proposals (hồ sơ đề nghị khen thưởng): the list, drawing one up, its nominees with their
  eligibility and the initiatives cited for each person (ticked among the person's unused
  ones, as many as the form asks for at most; the add form fetches them by htmx once the
  code is typed), its files, and its route
  (submit, cluster approval, return, withdrawal) shown as a timeline;
- the council's sessions: attendance, tallies per nominee and round with the denominator,
  the threshold and the recused members, closing, the minutes (.docx);
- decisions: issuing from approved proposals (the suggested number is the next free one of
  the year of the signing date, and follows the date as it is changed), revoking an award or
  the whole decision, and the certificates (PDF).

Each view: check access (commendation.permissions; missing and forbidden are both 404), parse
the form, call one service, then redirect with a message or re-render the page with the
RuleViolation's Vietnamese message; nothing is saved when a service refuses.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from pathlib import Path

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commendation import certificates, documents, permissions
from commendation.models import (
    LEVEL_ABBREVIATIONS,
    AttachmentKind,
    Confidence,
    CouncilMember,
    CouncilSession,
    Decision,
    Form,
    Initiative,
    Level,
    Nominee,
    Proposal,
    ProposalStatus,
    Subject,
    Tally,
)
from commendation.services import council as council_services
from commendation.services import decisions as decision_services
from commendation.services import eligibility, people
from commendation.services import proposals as proposal_services
from commendation.services.rules import level_name
from core.exceptions import RuleViolation
from core.http import attachment
from core.templatetags.vn import format_points
from core.text import normalize, person_sort_key, sort_key
from organizations import permissions as org_permissions
from organizations.models import Cluster, ClusterMembership, Unit
from organizations.services import registry

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FIRST_YEAR = 2017
SEARCH_LIMIT = 20
ISSUER_CODE = "BTCTW"  # the sector's decisions are the Central Organization Commission's
DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")
LEVELS = [(level, LEVEL_ABBREVIATIONS[level], label) for level, label in Level.choices]
EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


# --- helpers ---------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _this_year() -> int:
    return _today().year


def _years() -> list[int]:
    return list(range(_this_year() + 1, FIRST_YEAR - 1, -1))


def _year(value, default: int) -> int:
    """A year typed in an address: one far outside the records is "not found"."""
    try:
        year = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise Http404("Không có năm này.") from None
    if not 1900 <= year <= _this_year() + 1:
        raise Http404("Không có năm này.")
    return year


def _last_day(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _unit_name(unit: Unit, day: datetime.date) -> str:
    version = unit.version_on(day) or unit.latest_version
    return version.name if version else unit.code


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render(request, template: str, context: dict, status: int = 200):
    """The page, with whether the user is on the council's side (for the navigation)."""
    context["council_side"] = permissions.can_act_for_council(request.user)
    return render(request, template, context, status=status)


def _form_error(form: forms.Form, exc: RuleViolation) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- the catalogue ---------------------------------------------------------------------------

CONFIDENCE_SHORT = {
    Confidence.HIGH: gettext_lazy("chắc chắn — văn bản quy phạm"),
    Confidence.MEDIUM: gettext_lazy("một nguồn thứ cấp"),
    Confidence.UNCONFIRMED: gettext_lazy("chưa xác nhận — mặc định, có thể sửa"),
}
SCOPES = dict(eligibility.SCOPE_NAMES)


def _forms_in_force(year: int):
    day = _last_day(year)
    return (
        Form.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("subject", "category", "name")
    )


def _level_phrase(level: int, exemplary: bool) -> str:
    text = level_name(level) + (" tiêu biểu" if exemplary else "")
    return text + (" trở lên" if level > Level.EXCELLENT else "")


def _span(year: int, years: int) -> str:
    if years == 1:
        return f"năm {year}"
    return f"{years} năm liền ({year - years + 1}–{year})"


def _describe(condition: dict, year: int, names: dict[str, str], form: Form) -> dict:
    """A condition of the catalogue in words, for the year, with its citation and confidence
    (a condition without its own takes the form's), and its branches for any_of / all_of."""
    kind = str(condition.get("type", ""))

    def name(code) -> str:
        return names.get(str(code), str(code))

    if kind == "classification":
        text = "Xếp loại " + _level_phrase(
            int(condition.get("level", Level.GOOD)), bool(condition.get("exemplary"))
        )
        text += " " + _span(year, max(1, int(condition.get("years", 1))))
    elif kind == "title":
        years = max(1, int(condition.get("years", 1)))
        times, within = condition.get("times"), condition.get("within")
        if times is None:
            text = f"Đạt “{name(condition['form'])}” {_span(year, years)}"
        elif within is None:
            text = f"Đã được tặng “{name(condition['form'])}” ít nhất {times} lần"
        else:
            text = f"Đạt “{name(condition['form'])}” ít nhất {times} lần trong {within} năm"
    elif kind == "initiative":
        scope = str(condition.get("scope", "unit"))
        wider = "" if scope == eligibility.INITIATIVE_SCOPES[-1] else " trở lên"
        text = (
            f"Có {int(condition.get('count', 1))} sáng kiến phạm vi {SCOPES.get(scope, scope)}"
            f"{wider}, chưa dùng cho danh hiệu, hình thức khen thưởng khác"
        )
    elif kind == "cluster_rank":
        rank = max(1, int(condition.get("rank", 1)))
        place = "dẫn đầu" if rank == 1 else f"trong {rank} đơn vị dẫn đầu"
        text = f"Đơn vị {place} cụm, khối thi đua năm {year}"
        if condition.get("note"):
            text += f" ({condition['note']})"
    elif kind == "member_share":
        minimum = Decimal(str(condition.get("min_percent", "100")))
        if condition.get("measure") == "title":
            what = f"đạt danh hiệu “{name(condition['form'])}”"
        else:
            what = "xếp loại " + _level_phrase(int(condition.get("level", Level.COMPLETED)), False)
        bound = "Trên" if condition.get("strict") else "Từ"
        text = f"{bound} {format_points(minimum)}% cá nhân trong tập thể {what} năm {year}"
    elif kind == "member_title":
        text = (
            f"Có ít nhất {int(condition.get('count', 1))} cá nhân trong tập thể đạt "
            f"“{name(condition['form'])}” năm {year}"
        )
    elif kind == "no_exclusion":
        text = f"Không đang bị xem xét kỷ luật, điều tra hoặc bị kỷ luật trong năm {year}"
    elif kind == "any_of":
        text = "Một trong các điều kiện sau"
    elif kind == "all_of":
        text = "Đồng thời các điều kiện sau"
    elif kind == "confirmation":
        text = (
            f"{condition.get('label') or condition.get('code', '')} (hệ thống không có dữ "
            "liệu: người kiểm tra xác nhận từ hồ sơ)"
        )
    elif kind == "uncatalogued":
        text = "Điều kiện chưa đưa vào danh mục: kiểm tra theo văn bản"
    else:
        text = f"Điều kiện “{condition.get('code', '')}” (loại “{kind}”): kiểm tra thủ công"
    confidence = str(condition.get("confidence") or form.confidence)
    return {
        "text": text,
        "citation": str(condition.get("citation") or form.citation),
        "confidence": confidence,
        "confidence_label": CONFIDENCE_SHORT.get(confidence, confidence),
        "children": [
            _describe(c, year, names, form)
            for c in condition.get("conditions", [])
            if kind in ("any_of", "all_of")
        ],
    }


def _title_codes(conditions: list) -> set[str]:
    codes = set()
    for condition in conditions:
        if condition.get("form"):
            codes.add(str(condition["form"]))
        codes |= _title_codes(condition.get("conditions", []))
    return codes


def catalogue(request):
    year = _year(request.GET.get("nam"), _this_year())
    found = list(_forms_in_force(year))
    codes = set().union(*(_title_codes(f.conditions or []) for f in found)) if found else set()
    names = {}
    for code, title in (
        Form.objects.filter(code__in=codes).order_by("valid_from").values_list("code", "name")
    ):
        names[code] = title
    groups: dict[tuple[str, str], list] = {}
    for form in found:
        groups.setdefault((form.subject, form.category), []).append(
            {
                "form": form,
                "confidence_label": CONFIDENCE_SHORT.get(form.confidence, form.confidence),
                "conditions": [_describe(c, year, names, form) for c in form.conditions or []],
            }
        )
    sections = [
        {
            "title": f"{Subject(subject).label} — {label}",
            "forms": sorted(items, key=lambda i: sort_key(i["form"].name)),
        }
        for (subject, category), items in groups.items()
        for label in [dict(Form._meta.get_field("category").choices)[category]]
    ]
    context = {"year": year, "years": _years(), "sections": sections, "count": len(found)}
    return _render(request, "commendation/forms.html", context)


# --- eligibility -----------------------------------------------------------------------------


def _confirmations(conditions: list) -> list[tuple[str, str]]:
    found = []
    for condition in conditions:
        if condition.get("type") == "confirmation":
            found.append((str(condition.get("code", "")), str(condition.get("label", ""))))
        found.extend(_confirmations(condition.get("conditions", [])))
    return list(dict.fromkeys(found))


def _search_people(user, query: str) -> list:
    query = normalize(query)
    if not query:
        return []
    found = (
        people.search_people(permissions.get_people_for_user(user), query)
        .select_related("unit")
        .prefetch_related("unit__versions")[:SEARCH_LIMIT]
    )
    return sorted(found, key=lambda p: person_sort_key(p.full_name))


def _search_units(user, query: str, year: int) -> list:
    query = normalize(query)
    if not query:
        return []
    visible = permissions.get_units_for_user(user)
    versions = (
        registry.search_units(query, day=_last_day(year))
        .filter(unit__in=visible)
        .select_related("unit")[:SEARCH_LIMIT]
    )
    found = {v.unit_id: (v.unit, v.name) for v in versions}
    for unit in visible.filter(code__iexact=query).prefetch_related("versions"):
        found.setdefault(unit.pk, (unit, _unit_name(unit, _last_day(year))))
    return sorted(found.values(), key=lambda item: sort_key(item[1]))


def eligibility_check(request):
    year = _year(request.GET.get("nam"), _this_year() - 1)
    code = request.GET.get("ma", "")
    query = request.GET.get("tim", "")
    confirmed = request.GET.getlist("xac_nhan")
    context = {
        "year": year,
        "years": _years(),
        "code": code,
        "query": query,
        "choices": _forms_in_force(year),
        "confirmed": confirmed,
    }
    person = unit = None
    if _int(request.GET.get("ca_nhan")) is not None:
        person = permissions.get_person_for_user(request.user, _int(request.GET["ca_nhan"]))
    elif _int(request.GET.get("don_vi")) is not None:
        unit = permissions.get_unit_for_user(request.user, _int(request.GET["don_vi"]), year)
    context.update(person=person, unit=unit)
    form = None
    if code:
        try:
            form = eligibility.form_for(code, year)
        except RuleViolation as exc:
            context["error"] = exc.message
    context["form"] = form
    if form is None:
        return _render(request, "commendation/eligibility.html", context)
    context["confirmations"] = _confirmations(form.conditions or [])
    if person is None and unit is None:
        if form.subject == Subject.PERSON:
            context["people"] = _search_people(request.user, query)
        else:
            context["units"] = _search_units(request.user, query, year)
        return _render(request, "commendation/eligibility.html", context)
    try:
        result = eligibility.check(form, year=year, person=person, unit=unit, confirmed=confirmed)
    except RuleViolation as exc:
        context["error"] = exc.message
    else:
        context["result"] = eligibility.as_json(result)
    return _render(request, "commendation/eligibility.html", context)


# --- a person's record -----------------------------------------------------------------------


def dossier(request, pk: int):
    person = permissions.get_person_for_user(request.user, pk)
    record = people.dossier(person)
    streak_year = record["streaks"]["excellent"].until_year
    context = {
        **record,
        "levels": LEVELS,
        "streak_year": streak_year,
        "eligibility_year": streak_year,
    }
    return _render(request, "commendation/dossier.html", context)


# --- proposals -------------------------------------------------------------------------------


class ProposalForm(forms.Form):
    """A new dossier: the form is chosen by its code and resolved to the version in force for
    the year of the achievements."""

    year = forms.IntegerField(label=gettext_lazy("Năm thành tích"), min_value=1900)
    form = forms.ChoiceField(label=gettext_lazy("Danh hiệu, hình thức khen thưởng"))
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị đề nghị"), queryset=Unit.objects.none()
    )
    cluster = forms.ModelChoiceField(
        label=gettext_lazy("Cụm thi đua bình xét"),
        queryset=Cluster.objects.order_by("number"),
        required=False,
        empty_label=gettext_lazy("Không qua cụm: gửi thẳng Hội đồng"),
    )
    title = forms.CharField(label=gettext_lazy("Trích yếu"), max_length=300, required=False)
    summary = forms.CharField(
        label=gettext_lazy("Tóm tắt thành tích"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = str
        choices = {}
        for code, name in (
            Form.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(2024, 1, 1))
            )
            .order_by("subject", "name")
            .values_list("code", "name")
        ):
            choices.setdefault(code, name)
        self.fields["form"].choices = list(choices.items())


def _initiative_label(initiative: Initiative) -> str:
    return _("%(title)s (phạm vi %(scope)s, công nhận năm %(year)s)") % {
        "title": initiative.title,
        "scope": SCOPES.get(initiative.scope, initiative.scope),
        "year": initiative.year,
    }


class InitiativesField(forms.Field):
    """Checkboxes of initiatives whose choices the view sets; any ids are parsed here and
    judged by the service (the person's own, unused, no more than the form asks for)."""

    widget = forms.CheckboxSelectMultiple

    def set_choices(self, initiatives) -> None:
        self.widget.choices = [(i.pk, _initiative_label(i)) for i in initiatives]

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            return list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Chọn sáng kiến trong danh sách.")) from None


class NomineeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã đảng viên hoặc mã đơn vị"), max_length=40, required=False
    )
    initiatives = InitiativesField(label=gettext_lazy("Sáng kiến dùng cho đề nghị"), required=False)
    achievement = forms.CharField(
        label=gettext_lazy("Thành tích"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, initiatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].set_choices(initiatives)


class NomineeInitiativeForm(forms.Form):
    """Change the initiatives a dossier cites for a person nominee (none ticked: none)."""

    initiatives = InitiativesField(label=gettext_lazy("Sáng kiến dùng cho đề nghị"), required=False)

    def __init__(self, *args, initiatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].set_choices(initiatives)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), choices=AttachmentKind.choices)
    upload = forms.FileField(label=gettext_lazy("Tệp"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ý kiến của cụm"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


def _proposing_units(user):
    """The units a user draws up dossiers for: their own; for sector-wide staff, the
    commission, its departments and the provincial boards."""
    if org_permissions.is_sector_wide(user):
        units = Unit.objects.filter(kind__level__lte=2)
    else:
        units = Unit.objects.filter(pk__in=org_permissions.officer_units(user))
    return units.prefetch_related("versions").order_by("kind__level", "code")


def proposal_list(request):
    status = request.GET.get("trang_thai", "")
    visible = permissions.get_proposals_for_user(request.user)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk")))
    proposals = (
        visible.select_related("form", "cluster", "unit")
        .prefetch_related("unit__versions")
        .annotate(nominee_count=Count("nominees", filter=Q(nominees__withdrawn=False)))
        .order_by("-year", "-created_at", "-pk")
    )
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    else:
        status = ""
    context = {
        "proposals": proposals,
        "status": status,
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in ProposalStatus.choices
        ],
        "total": sum(counts.values()),
        "can_create": _proposing_units(request.user).exists(),
    }
    return _render(request, "commendation/proposal_list.html", context)


def proposal_create(request):
    units = _proposing_units(request.user)
    if not units.exists():
        raise Http404("Không có đơn vị để lập hồ sơ.")
    if request.method == "POST":
        form = ProposalForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                chosen = eligibility.form_for(data["form"], data["year"])
                proposal = proposal_services.create_proposal(
                    form=chosen,
                    year=data["year"],
                    unit=data["unit"],
                    actor=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    cluster=data["cluster"],
                )
            except RuleViolation as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Đã lập hồ sơ đề nghị khen thưởng."))
                return redirect(proposal)
    else:
        year = _this_year() - 1
        unit = units.first()
        membership = ClusterMembership.objects.filter(unit=unit, year=year).first()
        form = ProposalForm(
            initial={
                "year": year,
                "unit": unit,
                "cluster": membership.cluster_id if membership else None,
            },
            units=units,
        )
    return _render(request, "commendation/proposal_form.html", {"form": form})


def _nominee_rows(proposal: Proposal, *, editable: bool) -> list[dict]:
    """Each nominee with its stored check and the initiatives cited; while the dossier is
    editable, a person's card offers the initiatives the dossier may cite (their unused ones,
    and those cited now, ticked)."""
    day = _last_day(proposal.year)
    limit = proposal_services.initiative_limit(proposal.form)
    rows = []
    nominees = proposal.nominees.select_related("person", "unit").prefetch_related(
        "unit__versions", "initiatives"
    )
    for nominee in nominees.order_by("pk"):
        data = nominee.eligibility or {}
        cited = sorted(nominee.initiatives.all(), key=lambda i: (i.year, i.pk))
        initiative_form = None
        if editable and limit and nominee.person_id and not nominee.withdrawn:
            choices = cited + [
                i
                for i in proposal_services.available_initiatives(nominee.person, proposal)
                if i not in cited
            ]
            if choices:  # nothing to tick and nothing to clear: no form
                initiative_form = NomineeInitiativeForm(
                    initial={"initiatives": [i.pk for i in cited]},
                    initiatives=choices,
                    auto_id=f"id_nominee_{nominee.pk}_%s",
                )
        rows.append(
            {
                "nominee": nominee,
                "name": nominee.person.full_name
                if nominee.person_id
                else _unit_name(nominee.unit, day),
                "code": nominee.person.code if nominee.person_id else nominee.unit.code,
                "result": data if "results" in data else None,
                "result_id": f"eligibility-{nominee.pk}",
                "verdict": proposal_services.verdict(nominee),
                "takes_initiative": bool(limit) and bool(nominee.person_id),
                "initiatives": [_initiative_label(i) for i in cited],
                "initiative_form": initiative_form,
                "initiative_limit": limit,
            }
        )
    return rows


def _add_form_initiatives(request, proposal: Proposal, code: str) -> tuple[list, str]:
    """The initiatives the add form offers for the person of ``code`` (those the dossier may
    cite), and a hint saying why the list is empty."""
    if not proposal_services.takes_initiative(proposal.form):
        return [], ""
    code = normalize(code or "")
    if not code:
        return [], _("Nhập mã đảng viên để chọn sáng kiến chưa dùng của người đó.")
    person = permissions.get_people_for_user(request.user).filter(code__iexact=code).first()
    if person is None:
        return [], _("Không tìm thấy đảng viên có mã “%(code)s”.") % {"code": code}
    found = proposal_services.available_initiatives(person, proposal)
    if not found:
        return [], _("%(name)s không có sáng kiến nào chưa dùng đến năm %(year)s.") % {
            "name": person.full_name,
            "year": proposal.year,
        }
    return found, _(
        "Sáng kiến chưa dùng của %(name)s: chọn tối đa %(count)s; mỗi sáng kiến chỉ dùng một lần."
    ) % {"name": person.full_name, "count": proposal_services.initiative_limit(proposal.form)}


def _proposal_page(request, proposal: Proposal, *, error: str = "", status: int = 200, **bound):
    proposal.refresh_from_db()
    user = request.user
    acts = permissions.can_act_on_proposal(user, proposal)
    editable = acts and proposal.status in EDITABLE
    at_cluster = acts and proposal.status == ProposalStatus.AT_CLUSTER
    at_council = acts and proposal.status in (ProposalStatus.AT_COUNCIL, ProposalStatus.APPROVED)
    nominee_form = bound.get("nominee_form")
    code = nominee_form.data.get("code", "") if nominee_form is not None else ""
    initiatives, initiative_hint = _add_form_initiatives(request, proposal, code)
    if nominee_form is None:
        nominee_form = NomineeForm(initiatives=initiatives)
    else:
        nominee_form.fields["initiatives"].set_choices(initiatives)
    takes = proposal_services.takes_initiative(proposal.form)
    if takes:  # the person's initiatives follow the code as it is typed
        nominee_form.fields["code"].widget.attrs.update(
            {
                "hx-get": proposal.get_absolute_url(),
                "hx-trigger": "change, keyup changed delay:400ms",
                "hx-target": "#nominee-initiative",
                "hx-swap": "outerHTML",
            }
        )
    context = {
        "proposal": proposal,
        "unit_name": _unit_name(proposal.unit, _last_day(proposal.year)),
        "nominees": _nominee_rows(proposal, editable=editable),
        "attachments": proposal.attachments.select_related("uploaded_by").order_by("pk"),
        "steps": proposal_services.history(proposal),
        "sessions": proposal.sessions.select_related("council").order_by("held_on", "pk")
        if permissions.can_act_for_council(user)
        else [],
        "decisions": proposal.decisions.order_by("signed_on", "pk"),
        "editable": editable,
        "can_attach": editable or at_cluster,
        "can_submit": editable,
        "can_withdraw": editable,
        "can_review": at_cluster,
        "can_return": at_cluster or at_council,
        "error": error,
        "nominee_form": nominee_form,
        "takes_initiative": takes,
        "initiative_hint": initiative_hint,
        "attachment_form": bound.get("attachment_form")
        or AttachmentForm(initial={"kind": AttachmentKind.REVIEW_MINUTES if at_cluster else None}),
        "return_form": bound.get("return_form") or ReasonForm(),
        "withdraw_form": bound.get("withdraw_form") or ReasonForm(),
        "review_form": bound.get("review_form") or ReviewForm(),
        "subject_is_person": proposal.form.subject == Subject.PERSON,
    }
    return _render(request, "commendation/proposal_detail.html", context, status=status)


def proposal_detail(request, pk: int):
    proposal = permissions.get_proposal_for_user(request.user, pk)
    if request.htmx and "code" in request.GET:
        # The add form asks for the initiatives of the person whose code was typed.
        initiatives, hint = _add_form_initiatives(request, proposal, request.GET["code"])
        context = {
            "nominee_form": NomineeForm(initiatives=initiatives),
            "takes_initiative": proposal_services.takes_initiative(proposal.form),
            "initiative_hint": hint,
            "proposal": proposal,
        }
        return render(request, "commendation/_nominee_initiative.html", context)
    return _proposal_page(request, proposal)


def _after(request, proposal: Proposal, message: str):
    messages.success(request, message)
    return redirect(proposal)


def _nominee_subject(request, proposal: Proposal, code: str):
    """The person or unit of ``code`` the user may see, as the form's subject asks."""
    code = normalize(code)
    if not code:
        raise RuleViolation(_("Nhập mã đảng viên hoặc mã đơn vị."), field="code")
    if proposal.form.subject == Subject.PERSON:
        person = permissions.get_people_for_user(request.user).filter(code__iexact=code).first()
        if person is None:
            raise RuleViolation(
                _("Không tìm thấy đảng viên có mã “%(code)s”.") % {"code": code}, field="code"
            )
        return {"person": person}
    unit = permissions.get_units_for_user(request.user).filter(code__iexact=code).first()
    if unit is None:
        raise RuleViolation(
            _("Không tìm thấy tập thể có mã “%(code)s”.") % {"code": code}, field="code"
        )
    return {"unit": unit}


def _initiatives(request, ids: list[int]) -> list[Initiative]:
    """Initiatives of people the user may see (the service judges the rest)."""
    if not ids:
        return []
    found = list(
        Initiative.objects.filter(
            pk__in=ids, person__in=permissions.get_people_for_user(request.user)
        )
    )
    if len(found) != len(set(ids)):
        raise RuleViolation(_("Không tìm thấy sáng kiến."), field="initiatives")
    return found


@require_POST
def proposal_nominee_add(request, pk: int):
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    form = NomineeForm(request.POST)
    if form.is_valid():
        try:
            subject = _nominee_subject(request, proposal, form.cleaned_data["code"])
            nominee = proposal_services.add_nominee(
                proposal,
                actor=request.user,
                achievement=form.cleaned_data["achievement"],
                initiatives=_initiatives(request, form.cleaned_data["initiatives"]),
                **subject,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            return _after(request, proposal, _("Đã thêm %(name)s vào hồ sơ.") % {"name": nominee})
    return _proposal_page(request, proposal, nominee_form=form)


def _nominee(proposal: Proposal, nominee_pk: int) -> Nominee:
    nominee = proposal.nominees.filter(pk=nominee_pk).select_related("person", "unit").first()
    if nominee is None:
        raise Http404("Không tìm thấy người, tập thể được đề nghị.")
    nominee.proposal = proposal
    return nominee


@require_POST
def proposal_nominee_remove(request, pk: int, nominee_pk: int):
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    nominee = _nominee(proposal, nominee_pk)
    name = str(nominee)
    try:
        proposal_services.remove_nominee(nominee, actor=request.user)
    except RuleViolation as exc:
        return _proposal_page(request, proposal, error=exc.message)
    return _after(request, proposal, _("Đã bỏ %(name)s khỏi hồ sơ.") % {"name": name})


@require_POST
def proposal_nominee_recheck(request, pk: int, nominee_pk: int):
    """Run the check again; with ``doi_sang_kien``, first replace the initiatives the dossier
    cites for the person with those ticked (the check always follows them)."""
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    nominee = _nominee(proposal, nominee_pk)
    change = "doi_sang_kien" in request.POST
    try:
        if change:
            form = NomineeInitiativeForm(request.POST)
            if not form.is_valid():
                raise RuleViolation(_("Chọn sáng kiến trong danh sách."), field="initiatives")
            proposal_services.set_initiatives(
                nominee,
                initiatives=_initiatives(request, form.cleaned_data["initiatives"]),
                actor=request.user,
            )
        else:
            proposal_services.recheck_eligibility(nominee, request.user)
    except RuleViolation as exc:
        return _proposal_page(request, proposal, error=exc.message)
    if change:
        message = _("Đã lưu sáng kiến dùng cho đề nghị của %(name)s và kiểm tra lại điều kiện.") % {
            "name": nominee
        }
    else:
        message = _("Đã kiểm tra lại điều kiện của %(name)s.") % {"name": nominee}
    return _after(request, proposal, message)


@require_POST
def proposal_attach(request, pk: int):
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = proposal_services.attach(
                proposal,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["upload"],
                actor=request.user,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            return _after(
                request,
                proposal,
                _("Đã đính kèm %(kind)s: %(name)s.")
                % {"kind": attachment.get_kind_display(), "name": attachment.name},
            )
    return _proposal_page(request, proposal, attachment_form=form)


def attachment_download(request, pk: int):
    attachment = permissions.get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp.") from None
    return FileResponse(handle, as_attachment=True, filename=Path(attachment.name).name)


@require_POST
def proposal_submit(request, pk: int):
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    try:
        proposal_services.submit(proposal, actor=request.user)
    except RuleViolation as exc:
        return _proposal_page(request, proposal, error=exc.message)
    return _after(
        request,
        proposal,
        _("Đã gửi hồ sơ: %(status)s.") % {"status": proposal.get_status_display()},
    )


def _proposal_step(request, pk: int, form_class, bound_as: str, act, done: str):
    """A step on a dossier posted with its one text field, a note or a reason
    (``act(proposal, text)``): the page again with the refusal and the form as typed, or on
    to the dossier with ``done``."""
    proposal = permissions.get_proposal_step_for_user(request.user, pk)
    form = form_class(request.POST)
    form.is_valid()
    [field] = form.fields
    text = form.cleaned_data.get(field, "")
    try:
        act(proposal, text)
    except RuleViolation as exc:
        return _proposal_page(request, proposal, error=exc.message, **{bound_as: form})
    return _after(request, proposal, done)


@require_POST
def proposal_cluster_approve(request, pk: int):
    return _proposal_step(
        request,
        pk,
        ReviewForm,
        "review_form",
        lambda proposal, note: proposal_services.cluster_approve(
            proposal, actor=request.user, minutes_note=note
        ),
        _("Cụm đã thông qua, hồ sơ chuyển Hội đồng."),
    )


@require_POST
def proposal_return(request, pk: int):
    return _proposal_step(
        request,
        pk,
        ReasonForm,
        "return_form",
        lambda proposal, reason: proposal_services.return_proposal(
            proposal, actor=request.user, reason=reason
        ),
        _("Đã trả lại hồ sơ cho đơn vị."),
    )


@require_POST
def proposal_withdraw(request, pk: int):
    return _proposal_step(
        request,
        pk,
        ReasonForm,
        "withdraw_form",
        lambda proposal, reason: proposal_services.withdraw(
            proposal, actor=request.user, reason=reason
        ),
        _("Đã rút hồ sơ."),
    )


# --- council sessions ------------------------------------------------------------------------


class SessionForm(forms.Form):
    council = forms.ModelChoiceField(label=gettext_lazy("Hội đồng"), queryset=None)
    held_on = forms.DateField(label=gettext_lazy("Ngày họp"), widget=DATE_WIDGET)
    place = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=200, required=False)
    chair = forms.CharField(label=gettext_lazy("Chủ trì"), max_length=200, required=False)
    secretary = forms.CharField(label=gettext_lazy("Thư ký"), max_length=200, required=False)
    proposals = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Hồ sơ Hội đồng xem xét"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, councils, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["proposals"].queryset = proposals
        self.fields["proposals"].label_from_instance = lambda p: (
            f"{p.title} — {p.form.name} năm {p.year} ({p.unit})"
        )


ATTENDANCE_CHOICES = [
    ("co-mat", gettext_lazy("Có mặt")),
    ("van-ban", gettext_lazy("Vắng, gửi phiếu bằng văn bản")),
    ("vang", gettext_lazy("Vắng")),
]


class AttendanceForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Điểm danh"), choices=ATTENDANCE_CHOICES)


class TallyForm(forms.Form):
    nominee = forms.IntegerField(widget=forms.HiddenInput)
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    yes = forms.IntegerField(label=gettext_lazy("Đồng ý"), min_value=0)
    no = forms.IntegerField(label=gettext_lazy("Không đồng ý"), min_value=0)
    blank = forms.IntegerField(
        label=gettext_lazy("Phiếu trắng, không hợp lệ"), min_value=0, required=False
    )


def _open_proposals():
    """Dossiers at the council that no open session is considering."""
    busy = CouncilSession.objects.filter(status=CouncilSession.Status.OPEN).values("proposals")
    return (
        Proposal.objects.filter(status=ProposalStatus.AT_COUNCIL)
        .exclude(pk__in=busy)
        .select_related("form")
        .prefetch_related("unit__versions")
        .order_by("year", "pk")
    )


def _sessions_page(request, form=None, status: int = 200):
    councils = permissions.get_councils_for_user(request.user)
    if not councils.exists():
        raise Http404("Không tìm thấy hội đồng.")
    if form is None:
        form = SessionForm(
            initial={"council": councils.first(), "held_on": _today()},
            councils=councils,
            proposals=_open_proposals(),
        )
    context = {
        "councils": councils.annotate(
            member_count=Count("members", filter=Q(members__active=True))
        ),
        "sessions": CouncilSession.objects.filter(council__in=councils)
        .select_related("council")
        .annotate(proposal_count=Count("proposals"))
        .order_by("-held_on", "-pk"),
        "form": form,
    }
    return _render(request, "commendation/session_list.html", context, status=status)


def session_list(request):
    return _sessions_page(request)


@require_POST
def session_open(request):
    councils = permissions.get_councils_for_user(request.user)
    if not councils.exists():
        raise Http404("Không tìm thấy hội đồng.")
    form = SessionForm(request.POST, councils=councils, proposals=_open_proposals())
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = council_services.open_session(
                permissions.get_council_for_user(request.user, data["council"].pk),
                held_on=data["held_on"],
                place=data["place"],
                proposals=list(data["proposals"]),
                actor=request.user,
                chair=data["chair"],
                secretary=data["secretary"],
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Đã mở phiên họp của Hội đồng."))
            return redirect(session)
    return _sessions_page(request, form)


def _share(yes: int, members: int) -> str:
    return documents.share_text(yes, members) if members else "—"


def _nominee_votes(session, proposal, nominee, tallies, attendance, members, is_open):
    """One nominee's part of the session: recused members, each round's tally with its
    denominator, and the form of the next round when one is due."""
    form = proposal.form
    own = tallies.get(nominee.pk, [])
    if own:  # who was recused when the ballots were counted
        recused = [(r["name"], r["reason"]) for r in own[-1].recused]
        recused_ids = {r["member"] for r in own[-1].recused}
    else:
        found = council_services.recusals(session, nominee)
        recused = [(r.member.full_name, r.reason) for r in found]
        recused_ids = {r.member.pk for r in found}
    ballots = sum(
        1
        for m in members
        if m.pk not in recused_ids
        and m.pk in attendance
        and (attendance[m.pk].present or attendance[m.pk].written_vote)
    )
    denominator = len(members)  # the share is of all members, the recused included
    threshold = form.vote_threshold
    needed = (
        math.ceil(Decimal(threshold) * denominator / 100)
        if threshold is not None and denominator > 0
        else None
    )
    passed = any(t.passed for t in own)
    next_round = None
    if (
        is_open
        and form.council_vote
        and threshold is not None
        and proposal.status == ProposalStatus.AT_COUNCIL
        and not passed
        and len(own) < session.council.max_rounds
    ):
        next_round = len(own) + 1
    rounds = [
        {
            "tally": t,
            "share": _share(t.yes, t.members),
            "threshold": f"{format_points(t.threshold)}%",
            "recused_count": len(t.recused),
        }
        for t in own
    ]
    if not form.council_vote:
        outcome = _("Thông qua chung, không phải bỏ phiếu") if not is_open else ""
    elif passed:
        outcome = _("Đạt")
    elif own and next_round is None:
        outcome = _("Không đạt")
    else:
        outcome = ""
    return {
        "nominee": nominee,
        "name": nominee.person.full_name
        if nominee.person_id
        else _unit_name(nominee.unit, session.held_on),
        "recused": recused,
        "rounds": rounds,
        "ballots": ballots,
        "denominator": denominator,
        "total": len(members),
        "threshold": f"{format_points(threshold)}%" if threshold is not None else "",
        "needed": needed,
        "next_round": next_round,
        "form": TallyForm(initial={"nominee": nominee.pk, "round": next_round, "blank": 0}),
        "outcome": outcome,
    }


def _session_page(request, session, *, error: str = "", tally_form=None, tally_nominee=None):
    session.refresh_from_db()
    council = session.council
    members = list(council.members.filter(active=True).select_related("unit").order_by("pk"))
    attendance = {a.member_id: a for a in session.attendance.all()}
    met, present, total, required = council_services.quorum_met(session)
    is_open = session.status == CouncilSession.Status.OPEN
    tallies: dict[int, list[Tally]] = {}
    for tally in Tally.objects.filter(session=session).order_by("round"):
        tallies.setdefault(tally.nominee_id, []).append(tally)
    blocks = []
    for proposal in (
        session.proposals.select_related("form").prefetch_related("unit__versions").order_by("pk")
    ):
        nominees = proposal.nominees.filter(withdrawn=False).select_related("person", "unit")
        rows = []
        for nominee in nominees.prefetch_related("unit__versions").order_by("pk"):
            row = _nominee_votes(session, proposal, nominee, tallies, attendance, members, is_open)
            if tally_form is not None and tally_nominee == nominee.pk:
                row["form"] = tally_form
            rows.append(row)
        blocks.append({"proposal": proposal, "nominees": rows})
    member_rows = []
    for member in members:
        row = attendance.get(member.pk)
        if row is None:
            status, label = "", _("Chưa điểm danh")
        elif row.present:
            status, label = "co-mat", _("Có mặt")
        elif row.written_vote:
            status, label = "van-ban", _("Vắng, gửi phiếu bằng văn bản")
        else:
            status, label = "vang", _("Vắng")
        member_rows.append({"member": member, "status": status, "label": label})
    context = {
        "session": session,
        "council": council,
        "members": member_rows,
        "attendance_choices": ATTENDANCE_CHOICES,
        "quorum": {"met": met, "present": present, "total": total, "required": required},
        "written": sum(1 for a in attendance.values() if not a.present and a.written_vote),
        "counted": bool(tallies),
        "is_open": is_open,
        "blocks": blocks,
        "error": error,
    }
    return _render(request, "commendation/session_detail.html", context)


def session_detail(request, pk: int):
    session = permissions.get_session_for_user(request.user, pk)
    return _session_page(request, session)


@require_POST
def session_attendance(request, pk: int):
    session = permissions.get_session_for_user(request.user, pk, write=True)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session, error=_("Chọn thành viên và tình trạng có mặt."))
    member = CouncilMember.objects.filter(
        pk=form.cleaned_data["member"], council=session.council
    ).first()
    if member is None:
        raise Http404("Không tìm thấy thành viên.")
    status = form.cleaned_data["status"]
    try:
        council_services.record_attendance(
            session,
            member,
            present=status == "co-mat",
            written_vote=status == "van-ban",
            actor=request.user,
        )
    except RuleViolation as exc:
        return _session_page(request, session, error=exc.message)
    messages.success(request, _("Đã điểm danh %(name)s.") % {"name": member.full_name})
    return redirect(session)


@require_POST
def session_tally(request, pk: int):
    session = permissions.get_session_for_user(request.user, pk, write=True)
    form = TallyForm(request.POST)
    nominee_pk = _int(request.POST.get("nominee"))
    nominee = (
        Nominee.objects.filter(pk=nominee_pk, proposal__sessions=session)
        .select_related("proposal__form", "person", "unit")
        .first()
        if nominee_pk is not None
        else None
    )
    if nominee is None:
        raise Http404("Không tìm thấy người, tập thể được đề nghị.")
    if form.is_valid():
        data = form.cleaned_data
        try:
            tally = council_services.record_tally(
                session,
                nominee,
                round=data["round"],
                yes=data["yes"],
                no=data["no"],
                blank=data["blank"] or 0,
                actor=request.user,
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            outcome = _("đạt") if tally.passed else _("không đạt")
            messages.success(
                request,
                _("Vòng %(round)s, %(name)s: %(yes)s/%(members)s đồng ý — %(outcome)s.")
                % {
                    "round": tally.round,
                    "name": nominee,
                    "yes": tally.yes,
                    "members": tally.members,
                    "outcome": outcome,
                },
            )
            return redirect(session)
    errors = [e for errors in form.errors.values() for e in errors]
    return _session_page(
        request,
        session,
        error=" ".join(errors),
        tally_form=form,
        tally_nominee=nominee.pk,
    )


@require_POST
def session_close(request, pk: int):
    session = permissions.get_session_for_user(request.user, pk, write=True)
    try:
        result = council_services.close_session(session, actor=request.user)
    except RuleViolation as exc:
        return _session_page(request, session, error=exc.message)
    messages.success(
        request,
        _("Đã kết thúc phiên họp: %(approved)s hồ sơ được thông qua, %(returned)s hồ sơ trả lại.")
        % {"approved": len(result["approved"]), "returned": len(result["returned"])},
    )
    return redirect(session)


def session_minutes(request, pk: int):
    session = permissions.get_session_for_user(request.user, pk)
    content = documents.minutes_docx(session)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-hoi-dong-{session.held_on:%Y-%m-%d}.docx"'
    )
    return response


# --- decisions -------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    proposals = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Hồ sơ Hội đồng đã thông qua"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    number = forms.IntegerField(
        label=gettext_lazy("Số quyết định"),
        required=False,
        help_text=gettext_lazy("Gợi ý số tiếp theo của năm ký; sửa được. Để trống: số tiếp theo."),
    )
    signed_on = forms.DateField(label=gettext_lazy("Ngày ký"), widget=DATE_WIDGET)
    place = forms.CharField(label=gettext_lazy("Địa danh"), max_length=100, initial="Hà Nội")
    signer_prefix = forms.CharField(
        label=gettext_lazy("Thẩm quyền ký"), max_length=20, required=False, initial="K/T TRƯỞNG BAN"
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Chức vụ người ký"),
        max_length=200,
        required=False,
        initial="PHÓ TRƯỞNG BAN",
    )
    signer = forms.CharField(label=gettext_lazy("Người ký"), max_length=200, required=False)
    summary = forms.CharField(label=gettext_lazy("Trích yếu"), max_length=300, required=False)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals
        self.fields["proposals"].label_from_instance = lambda p: (
            f"{p.title} — {p.form.name} năm {p.year} ({p.unit})"
        )
        # The suggested number follows the year of the signing date as it is changed.
        self.fields["signed_on"].widget.attrs.update(
            {
                "hx-get": reverse("commendation:decisions"),
                "hx-trigger": "change",
                "hx-target": "#decision-number",
                "hx-swap": "outerHTML",
            }
        )


def _approved_proposals():
    return (
        Proposal.objects.filter(status=ProposalStatus.APPROVED)
        .select_related("form")
        .prefetch_related("unit__versions")
        .order_by("year", "pk")
    )


def _check_council_side(user) -> None:
    if not permissions.get_councils_for_user(user).exists():
        raise Http404("Không tìm thấy trang.")


def _signing_day(value) -> datetime.date:
    """The signing date typed in the form (dd/mm/yyyy), today when empty or not a date."""
    try:
        day = DecisionForm.base_fields["signed_on"].clean(value) if value else None
    except forms.ValidationError:
        day = None
    return day or _today()


def _number_context(form, day: datetime.date) -> dict:
    return {
        "form": form,
        "number_year": day.year,
        "next_number": decision_services.next_number(ISSUER_CODE, day.year),
    }


def _decisions_page(request, form=None):
    user = request.user
    council_side = permissions.get_councils_for_user(user).exists()
    if council_side:
        found = Decision.objects.all()
    else:
        found = Decision.objects.filter(
            proposals__in=permissions.get_proposals_for_user(user)
        ).distinct()
    found = found.annotate(
        award_count=Count("awards", distinct=True),
        revoked_count=Count("awards", filter=Q(awards__revoked_at__isnull=False), distinct=True),
    ).order_by("-signed_on", "-number")
    if form is not None:
        day = _signing_day(form.data.get("signed_on"))
    else:
        day = _signing_day(request.GET.get("signed_on"))
    if council_side and form is None:
        form = DecisionForm(
            initial={
                "number": decision_services.next_number(ISSUER_CODE, day.year),
                "signed_on": day,
            },
            proposals=_approved_proposals(),
        )
    context = {"decisions": found, "form": None}
    if council_side:
        context.update(_number_context(form, day))
    return _render(request, "commendation/decision_list.html", context)


def decision_list(request):
    """The decisions; for the council's side, the form to issue one. An htmx request with
    ``signed_on`` (the date typed) gets the number field again, with the next free number
    of that date's year."""
    if request.htmx and "signed_on" in request.GET:
        _check_council_side(request.user)
        day = _signing_day(request.GET["signed_on"])
        form = DecisionForm(
            initial={"number": decision_services.next_number(ISSUER_CODE, day.year)},
            proposals=Proposal.objects.none(),
        )
        return render(request, "commendation/_decision_number.html", _number_context(form, day))
    return _decisions_page(request)


@require_POST
def decision_issue(request):
    _check_council_side(request.user)
    form = DecisionForm(request.POST, proposals=_approved_proposals())
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_services.issue_decision(
                list(data["proposals"]),
                actor=request.user,
                signed_on=data["signed_on"],
                signer=data["signer"],
                signer_title=data["signer_title"],
                summary=data["summary"],
                place=data["place"],
                number=data["number"],
                signer_prefix=data["signer_prefix"],
            )
        except RuleViolation as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Đã ban hành quyết định %(ref)s.") % {"ref": decision.reference}
            )
            return redirect(decision)
    return _decisions_page(request, form)


def _decision_page(request, decision: Decision, *, error: str = "", status: int = 200):
    day = decision.signed_on
    awards = []
    for award in (
        decision.awards.select_related("form", "person", "unit", "nominee__proposal", "revoked_by")
        .prefetch_related("unit__versions", "nominee__proposal__unit__versions")
        .order_by("pk")
    ):
        name = award.person.full_name if award.person_id else _unit_name(award.unit, day)
        proposal = award.nominee.proposal if award.nominee_id else None
        awards.append(
            {
                "award": award,
                "name": name,
                "code": award.person.code if award.person_id else award.unit.code,
                "is_person": bool(award.person_id),
                "proposing_unit": _unit_name(proposal.unit, day) if proposal else "",
                "proposal": proposal,
            }
        )
    awards.sort(
        key=lambda a: (
            a["is_person"],
            person_sort_key(a["name"]) if a["is_person"] else sort_key(a["name"]),
        )
    )
    standing = sum(1 for a in awards if not a["award"].is_revoked)
    context = {
        "decision": decision,
        "date_line": f"{decision.place}, {decision_services.party_date(day)}",
        "awards": awards,
        "standing": standing,
        "proposals": decision.proposals.select_related("form").order_by("pk"),
        "can_revoke": permissions.can_act_for_council(request.user),
        "pdf_problem": certificates.pdf_unavailable(),
        "error": error,
    }
    return _render(request, "commendation/decision_detail.html", context, status=status)


def decision_detail(request, pk: int):
    decision = permissions.get_decision_for_user(request.user, pk)
    return _decision_page(request, decision)


@require_POST
def decision_revoke(request, pk: int):
    decision = permissions.get_decision_for_user(request.user, pk, write=True)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        revoked = decision_services.revoke_decision(
            decision, reason=form.cleaned_data.get("reason", ""), actor=request.user
        )
    except RuleViolation as exc:
        return _decision_page(request, decision, error=exc.message)
    messages.success(
        request,
        _("Đã thu hồi %(n)s khen thưởng theo quyết định %(ref)s.")
        % {"n": len(revoked), "ref": decision.reference},
    )
    return redirect(decision)


@require_POST
def award_revoke(request, pk: int, award_pk: int):
    award = permissions.get_award_for_user(request.user, pk, award_pk, write=True)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        decision_services.revoke(
            award, reason=form.cleaned_data.get("reason", ""), actor=request.user
        )
    except RuleViolation as exc:
        return _decision_page(request, award.decision, error=exc.message)
    messages.success(request, _("Đã thu hồi khen thưởng: %(award)s.") % {"award": award})
    return redirect(award.decision)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, PDF, filename)


def award_certificate(request, pk: int, award_pk: int):
    award = permissions.get_award_for_user(request.user, pk, award_pk)
    problem = certificates.pdf_unavailable()
    if problem:
        return _decision_page(request, award.decision, error=problem, status=503)
    try:
        content = certificates.certificate_pdf(award)
    except RuleViolation as exc:
        return _decision_page(request, award.decision, error=exc.message)
    decision = award.decision
    return _pdf_response(content, f"bang-{decision.number}-{decision.year}-{award.pk}.pdf")


def decision_certificates(request, pk: int):
    decision = permissions.get_decision_for_user(request.user, pk)
    problem = certificates.pdf_unavailable()
    if problem:
        return _decision_page(request, decision, error=problem, status=503)
    try:
        content = certificates.decision_certificates_pdf(decision)
    except RuleViolation as exc:
        return _decision_page(request, decision, error=exc.message)
    return _pdf_response(content, f"bang-quyet-dinh-{decision.number}-{decision.year}.pdf")

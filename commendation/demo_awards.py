"""Demo data for titles and commendation: dossiers carried from a unit to a decision.

Built on the classification demo (commendation.demo: Hưng Yên's party tree, "BTC-33") and the
registry, clusters and users of organizations.demo (nothing is loaded until the clusters of
2025 are there), through the same services as the pages:

- the sector's council (Hội đồng Thi đua - Khen thưởng Ngành Tổ chức xây dựng Đảng, at Ban Tổ
  chức Trung ương) with nine members. Their names are invented and every position says
  "minh họa" (demo data); one member works at Ban Tổ chức Tỉnh ủy Hưng Yên;
- Ban Tổ chức Tỉnh ủy Hưng Yên (account ``hungyen``) proposes for 2025:
  (a) "Giấy khen tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu" (Hướng dẫn
  06-HD/TW §19) for the grassroots organization the classification demo rated HTXSNV in 2025,
  recorded "tiêu biểu" here by the competent level. (The demo's five-year streak, 2017–2021,
  ended in 2022, and the Party forms exist only from 09/06/2025: a "5 năm liền" form for
  2025 would be refused as not eligible, rightly.);
  (b) "Chiến sĩ thi đua cơ sở" (a council vote, 80 % of all members) for two members: the one
  rated HTXSNV five years running (2021–2025) and one of the same chi bộ rated HTTNV with a
  recognized initiative, which the dossier cites (the decision's award then holds it: each
  initiative counts once); both hold Lao động tiên tiến 2025, recorded from a (demo) decision
  of their commune's party committee. Each nominee carries the eligibility check;
- both dossiers go to Cụm thi đua số 2 (Hưng Yên's cluster in 2025), whose following
  department (Vụ Địa phương I, account ``vudp1``) attaches its biên bản bình xét and passes
  them to the council;
- the council meets on 08/01/2026 (central staff, account ``trunguong``, as its
  secretariat): eight members present, one absent with a written vote; the Hưng Yên member
  is recused ("công tác tại đơn vị đề nghị"): he does not vote, so each nominee gets 8
  ballots, but the share is still counted on all 9 members, so a pass needs ⌈80 % × 9⌉ =
  ⌈7,2⌉ = 8 yes votes, every one of the 8 ballots. The first member passes in round 1 (8/9 =
  88,88 %), the second fails round 1 (6/9 = 66,66 %) and passes round 2 (8/9); the
  organization passes with the council's general approval (its form needs no vote). The
  session is closed;
- a decision of 15/01/2026 ("Số <n>-QĐ/BTCTW", the next free number of the year) awards the
  three, so each has a certificate (PDF).

The files attached are small text files made in memory. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from commendation.demo import PROVINCE_CODE
from commendation.models import (
    AttachmentKind,
    Council,
    CouncilMember,
    Decision,
    Level,
    Person,
    PersonClassification,
    Proposal,
    Tally,
    UnitClassification,
)
from commendation.services import council as council_services
from commendation.services import decisions, eligibility, people, rules, streaks
from commendation.services import proposals as proposal_services
from core import audit
from core.models import AuditEntry
from organizations.models import ClusterMembership, Unit

YEAR = 2025
SESSION_DAY = datetime.date(2026, 1, 8)
DECISION_DAY = datetime.date(2026, 1, 15)
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng Ngành Tổ chức xây dựng Đảng"
COUNCIL_UNIT = "BTCTW"
UNIT_FORM = "dang-giay-khen-to-chuc-co-so"
PERSON_FORM = eligibility.CHIEN_SI_THI_DUA_CO_SO
DEMO = "dữ liệu minh họa"
# Invented members (name, position, unit code); the last one is the recused Hưng Yên member.
MEMBERS = [
    ("Nguyễn Quang Minh", "Chủ tịch Hội đồng (minh họa)", "BTCTW"),
    ("Trần Thị Thu Hà", "Phó Chủ tịch Hội đồng (minh họa)", "BTCTW"),
    ("Đỗ Thị Phương", "Ủy viên, Thư ký Hội đồng (minh họa)", "BTCTW"),
    ("Lê Văn Thành", "Ủy viên, Vụ Địa phương I (minh họa)", "VDP1"),
    ("Phạm Thị Ngọc Lan", "Ủy viên, Vụ Địa phương II (minh họa)", "VDP2"),
    ("Hoàng Minh Đức", "Ủy viên, Vụ Địa phương III (minh họa)", "VDP3"),
    ("Bùi Văn Hải", "Ủy viên (minh họa)", "BTCTW"),
    ("Ngô Thị Kim Oanh", "Ủy viên (minh họa)", "BTCTW"),
    ("Vũ Đức Thắng", "Ủy viên, Ban Tổ chức Tỉnh ủy Hưng Yên (minh họa)", PROVINCE_CODE),
]
ABSENT_WITH_WRITTEN_VOTE = "Hoàng Minh Đức"
CHAIR, SECRETARY, SIGNER = "Nguyễn Quang Minh", "Đỗ Thị Phương", "Trần Thị Thu Hà"
# Yes votes per round of the two members (8 ballots each, the share of all 9 members, 8 yes
# needed): round 1 passes the first, the second fails round 1 and passes round 2.
VOTES = {0: [8], 1: [6, 8]}
INITIATIVE = "Số hóa sổ theo dõi sinh hoạt và đảng phí của chi bộ thôn"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _text_file(name: str, lines: list[str]) -> SimpleUploadedFile:
    body = "\n".join([*lines, "", f"({DEMO})"]) + "\n"
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/plain")


def _name_on(unit: Unit, day: datetime.date) -> str:
    version = unit.version_on(day) or unit.latest_version
    return version.name if version else unit.code


def _parent_name(unit: Unit, day: datetime.date) -> str:
    version = unit.version_on(day)
    return _name_on(version.parent, day) if version and version.parent else ""


def _exemplary_organization(actor) -> Unit:
    """The grassroots organization rated HTXSNV in 2025 (the first by code), recorded
    "tiêu biểu" by its commune's standing board: same level and score, so no quota moves."""
    result = (
        UnitClassification.objects.filter(
            unit__code__startswith=f"{PROVINCE_CODE}-X",
            unit__kind__code="grassroots_org",
            year=YEAR,
            level=Level.EXCELLENT,
        )
        .select_related("unit")
        .order_by("unit__code")
        .first()
    )
    if result is None:
        raise LookupError("Dữ liệu xếp loại minh họa không có tổ chức cơ sở đảng HTXSNV năm 2025.")
    org = result.unit
    commune = _parent_name(org, datetime.date(YEAR, 12, 31))
    rules.record_unit_classification(
        org,
        YEAR,
        level=Level.EXCELLENT,
        score=result.score,
        exemplary=True,
        group=result.group,
        actor=actor,
        proposed_by=f"Văn phòng {commune}",
        decided_by=result.decided_by or f"Ban Thường vụ {commune}",
        decided_on=result.decided_on,
    )
    return org


def _members_proposed(province: Unit) -> tuple[Person, Person]:
    """The member rated HTXSNV 2021–2025 and one of the same chi bộ rated HTTNV in 2025."""
    found = streaks.people_streaks(
        level=Level.EXCELLENT, length=5, until_year=YEAR, within=province
    )
    star = Person.objects.get(pk=found[0][0])
    where = PersonClassification.objects.get(person=star, year=YEAR).unit_id
    second = (
        PersonClassification.objects.filter(unit_id=where, year=YEAR, level=Level.GOOD)
        .exclude(person=star)
        .select_related("person")
        .order_by("person__code")
        .first()
        .person
    )
    return star, second


def _council(actor) -> Council:
    """The council and its members: set up by an administrator (no service writes them)."""
    council = Council.objects.create(name=COUNCIL_NAME, unit=Unit.objects.get(code=COUNCIL_UNIT))
    units = {u.code: u for u in Unit.objects.filter(code__in={m[2] for m in MEMBERS})}
    members = [
        CouncilMember.objects.create(
            council=council, full_name=name, position=position, unit=units[code]
        )
        for name, position, code in MEMBERS
    ]
    audit.record(actor, AuditEntry.Action.CREATE, council, reason=DEMO)
    audit.record_many(actor, AuditEntry.Action.CREATE, members, reason=DEMO)
    return council


@transaction.atomic
def load_awards() -> bool:
    """The council, the two dossiers and their route to a decision; False when loaded."""
    if Council.objects.filter(name=COUNCIL_NAME, unit__code=COUNCIL_UNIT).exists():
        return False
    province = Unit.objects.get(code=PROVINCE_CODE)
    membership = (
        ClusterMembership.objects.filter(unit=province, year=YEAR).select_related("cluster").first()
    )
    if membership is None:  # the clusters are not loaded (organizations.demo.load_clusters)
        return False
    cluster = membership.cluster
    officer, department, central = _user("hungyen"), _user("vudp1"), _user("trunguong")
    day = datetime.date(YEAR, 12, 31)
    province_name = _name_on(province, day)

    org = _exemplary_organization(officer)
    star, second = _members_proposed(province)
    commune = _parent_name(PersonClassification.objects.get(person=star, year=YEAR).unit, day)
    labour = eligibility.form_for(eligibility.LAO_DONG_TIEN_TIEN, YEAR)
    for person in (star, second):
        people.record_award(
            labour,
            YEAR,
            person=person,
            actor=officer,
            source=f"Quyết định công nhận danh hiệu Lao động tiên tiến năm {YEAR} của "
            f"{commune} ({DEMO})",
        )
    initiative = people.record_initiative(
        second,
        title=INITIATIVE,
        year=YEAR,
        scope="unit",
        actor=officer,
        recognized_by=f"{commune} ({DEMO})",
    )

    unit_form = eligibility.form_for(UNIT_FORM, YEAR)
    person_form = eligibility.form_for(PERSON_FORM, YEAR)
    unit_proposal = proposal_services.create_proposal(
        form=unit_form,
        year=YEAR,
        unit=province,
        cluster=cluster,
        actor=officer,
        title=f"Đề nghị tặng {unit_form.name} năm {YEAR}",
        summary=f"{_name_on(org, day)} hoàn thành xuất sắc nhiệm vụ tiêu biểu năm {YEAR}.",
    )
    proposal_services.add_nominee(
        unit_proposal,
        actor=officer,
        unit=org,
        achievement="đã hoàn thành xuất sắc nhiệm vụ tiêu biểu năm 2025",
    )
    person_proposal = proposal_services.create_proposal(
        form=person_form,
        year=YEAR,
        unit=province,
        cluster=cluster,
        actor=officer,
        title=f"Đề nghị xét tặng danh hiệu {person_form.name} năm {YEAR}",
        summary="Hai đảng viên có thành tích tiêu biểu trong công tác xây dựng Đảng.",
    )
    proposal_services.add_nominee(
        person_proposal,
        actor=officer,
        person=star,
        achievement="đã hoàn thành xuất sắc nhiệm vụ 5 năm liền (2021–2025)",
    )
    proposal_services.add_nominee(
        person_proposal,
        actor=officer,
        person=second,
        achievement=f"có sáng kiến “{INITIATIVE}” được công nhận năm {YEAR}",
        initiatives=[initiative],
    )

    for number, proposal in enumerate((unit_proposal, person_proposal), start=1):
        proposal_services.attach(
            proposal,
            kind=AttachmentKind.SUBMISSION,
            actor=officer,
            upload=_text_file(
                f"to-trinh-{number}-btc33-{YEAR}.txt",
                ["TỜ TRÌNH", proposal.title, province_name],
            ),
        )
        proposal_services.attach(
            proposal,
            kind=AttachmentKind.ACHIEVEMENT_REPORT,
            actor=officer,
            upload=_text_file(
                f"bao-cao-thanh-tich-{number}-{YEAR}.txt",
                ["BÁO CÁO THÀNH TÍCH", proposal.summary],
            ),
        )
        proposal_services.submit(proposal, actor=officer)
        proposal_services.attach(
            proposal,
            kind=AttachmentKind.REVIEW_MINUTES,
            actor=department,
            upload=_text_file(
                f"bien-ban-binh-xet-cum-2-{number}-{YEAR}.txt",
                [
                    "BIÊN BẢN BÌNH XÉT",
                    f"{cluster.name}: thống nhất đề nghị “{proposal.title}”.",
                ],
            ),
        )
        proposal_services.cluster_approve(
            proposal,
            actor=department,
            minutes_note="Các thành viên cụm thống nhất 100% đề nghị.",
        )

    council = _council(central)
    session = council_services.open_session(
        council,
        held_on=SESSION_DAY,
        place="Trụ sở Ban Tổ chức Trung ương, Hà Nội",
        proposals=[unit_proposal, person_proposal],
        actor=central,
        chair=CHAIR,
        secretary=SECRETARY,
    )
    for member in council.members.order_by("pk"):
        absent = member.full_name == ABSENT_WITH_WRITTEN_VOTE
        council_services.record_attendance(
            session, member, present=not absent, written_vote=absent, actor=central
        )
    nominees = list(person_proposal.nominees.order_by("pk"))
    for index, rounds in VOTES.items():
        for round_number, yes in enumerate(rounds, start=1):
            council_services.record_tally(
                session,
                nominees[index],
                round=round_number,
                yes=yes,
                no=8 - yes,
                actor=central,
            )
    council_services.close_session(session, actor=central)

    decisions.issue_decision(
        [unit_proposal, person_proposal],
        actor=central,
        signed_on=DECISION_DAY,
        signer=SIGNER,
        signer_title="Phó Trưởng Ban Tổ chức Trung ương",
        summary=f"Về việc khen thưởng tập thể, cá nhân thuộc Đảng bộ tỉnh Hưng Yên năm {YEAR}",
    )
    return True


def load_all() -> dict[str, object]:
    """Load the awards demo (idempotent) and say what it holds. Nothing is loaded before the
    clusters of 2025 are (organizations.demo.load_clusters): the dossiers go through Cụm 2."""
    loaded = load_awards()
    council = Council.objects.filter(name=COUNCIL_NAME, unit__code=COUNCIL_UNIT).first()
    decision = (
        Decision.objects.filter(proposals__unit__code=PROVINCE_CODE, proposals__year=YEAR)
        .distinct()
        .order_by("pk")
        .first()
    )
    return {
        "loaded": loaded,
        "council_members": council.members.count() if council else 0,
        "proposals": Proposal.objects.filter(unit__code=PROVINCE_CODE, year=YEAR).count(),
        "tallies": Tally.objects.filter(session__council=council).count() if council else 0,
        "decision": decision.reference if decision else "",
        "awards": decision.awards.count() if decision else 0,
    }

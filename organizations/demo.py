"""Demo and reference data: the sector's units, the 2025 merger, clusters, elections, users.

Every loader is idempotent (running it twice changes nothing) and goes through the same
services as the pages, so the demo obeys the rules it shows. Facts come from the CSV files in
``organizations/data`` (see their README) and the seed articles; each membership and
leadership row keeps its source and how sure we are (confirmed, inferred, invented...).
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from core import text
from core.roles import Role
from organizations.models import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    FactStatus,
    RoleAssignment,
    Sector,
    Unit,
    UnitKind,
    UnitVersion,
)
from organizations.services import clusters as cluster_services
from organizations.services import elections as election_services
from organizations.services import registry
from organizations.services.registry import NewUnit

REGISTRY_START = datetime.date(2008, 8, 1)  # the 63-province map (Hà Tây joined Hà Nội)
HUE_CITY = datetime.date(2025, 1, 1)
MERGER_DAY = datetime.date(2025, 7, 1)
MERGER_BASIS = "Nghị quyết 60-NQ/TW ngày 12/4/2025; Nghị quyết 202/2025/QH15 ngày 12/6/2025"
TWO_LEVEL_BASIS = "Chính quyền địa phương hai cấp từ 01/07/2025 (không tổ chức cấp huyện)"
THAI_BINH_DISTRICTS = [
    ("Thành ủy", "Thái Bình"),
    ("Huyện ủy", "Đông Hưng"),
    ("Huyện ủy", "Hưng Hà"),
    ("Huyện ủy", "Kiến Xương"),
    ("Huyện ủy", "Quỳnh Phụ"),
    ("Huyện ủy", "Thái Thụy"),
    ("Huyện ủy", "Tiền Hải"),
    ("Huyện ủy", "Vũ Thư"),
]
OLD_CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh"}
OLD_SET_YEARS = range(2017, 2025)  # the five clusters over the 63 provinces
NEW_SET_YEARS = (2025, 2026)  # Cụm 1–5 over the 34 provinces
DEMO_PASSWORD = "thidua2026"  # noqa: S105 - printed for the demo, never used in production

KINDS = [
    ("central_commission", "Ban Tổ chức Trung ương", 0),
    ("department", "Vụ thuộc Ban Tổ chức Trung ương", 1),
    ("provincial_board", "Ban tổ chức tỉnh ủy, thành ủy", 2),
    ("district_board", "Ban tổ chức huyện ủy và tương đương", 3),
    ("commune_board", "Ban tổ chức đảng ủy xã, phường, đặc khu", 3),
    ("grassroots_org", "Tổ chức cơ sở đảng", 4),
    ("party_cell", "Chi bộ", 5),
]
DEPARTMENTS = [
    ("VDP1", "Vụ Địa phương I"),
    ("VDP2", "Vụ Địa phương II"),
    ("VDP3", "Vụ Địa phương III"),
]
# data/README: Vụ ĐP I follows Cụm 2 (probably 1), II → 3, III → 4 (probably 5).
CLUSTER_DEPARTMENTS = {
    1: ("VDP1", FactStatus.INFERRED),
    2: ("VDP1", FactStatus.CONFIRMED),
    3: ("VDP2", FactStatus.CONFIRMED),
    4: ("VDP3", FactStatus.CONFIRMED),
    5: ("VDP3", FactStatus.INFERRED),
}
# Cụm 3–5 after the merger were not found in any source: this split is invented for the demo.
INVENTED_NEW_CLUSTERS = {
    3: ["Huế", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Đắk Lắk", "Lâm Đồng"],
    4: ["Đồng Nai", "Hồ Chí Minh", "Tây Ninh", "Đồng Tháp"],
    5: ["Vĩnh Long", "An Giang", "Cần Thơ", "Cà Mau"],
}
# Years in which each 63-set cluster's composition was printed (clusters.csv notes, seeds).
CONFIRMED_YEARS = {
    1: {2024},
    2: {2017, 2021, 2022, 2024},
    3: {2023},
    4: {2017, 2019, 2020},
    5: set(),
}
SEED_2021 = "Tạp chí Xây dựng Đảng, 11/12/2021 (seeds/000)"
SEED_2018 = "Tạp chí Xây dựng Đảng, 6/1/2018 (seeds/002)"


def _data(name: str) -> list[dict[str, str]]:
    path = Path(settings.THIDUA_DATA_DIR) / name
    with path.open(encoding="utf-8") as handle:
        return [{k: text.normalize(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def board_name(province: str, city: bool) -> str:
    if province == "Hồ Chí Minh":
        return "Ban Tổ chức Thành ủy Thành phố Hồ Chí Minh"
    return f"Ban Tổ chức {'Thành ủy' if city else 'Tỉnh ủy'} {province}"


def province_unit(province: str) -> Unit:
    """The board of a province by its short name as the data files spell it."""
    key = text.name_key("Thừa Thiên Huế" if province == "Huế" else province)
    version = UnitVersion.objects.filter(
        unit__kind__code="provincial_board", short_name__iexact=province
    ).first() or next(
        v
        for v in UnitVersion.objects.filter(unit__kind__code="provincial_board")
        if text.name_key(v.short_name) == key
    )
    return version.unit


@transaction.atomic
def load_registry() -> bool:
    """Units: the commission, its departments, 63 provincial boards, Huế 2025, the merger."""
    kinds = {}
    for code, name, level in KINDS:
        kinds[code], _ = UnitKind.objects.get_or_create(
            code=code, defaults={"name": name, "level": level}
        )
    if Unit.objects.filter(code="BTCTW").exists():
        return False
    root = registry.create_unit(
        NewUnit(code="BTCTW", name="Ban Tổ chức Trung ương", kind=kinds["central_commission"]),
        actor=None,
        valid_from=datetime.date(1930, 2, 3),
    )
    for code, name in DEPARTMENTS:
        registry.create_unit(
            NewUnit(code=code, name=name, parent=root, kind=kinds["department"]),
            actor=None,
            valid_from=REGISTRY_START,
        )
    mapping = _data("provinces_2025_mapping.csv")
    for row in mapping:
        old = row["old_province"]
        short = "Thừa Thiên Huế" if old == "Huế" else old
        registry.create_unit(
            NewUnit(
                code=f"BTC-{row['old_code']}",
                name=board_name(short, old in OLD_CITIES),
                short_name=short,
                parent=root,
                kind=kinds["provincial_board"],
                admin_code=row["old_code"],
                locality_type="Thành phố trực thuộc Trung ương" if old in OLD_CITIES else "Tỉnh",
            ),
            actor=None,
            valid_from=REGISTRY_START,
            legal_basis="Bản đồ 63 tỉnh, thành phố từ 01/08/2008",
        )
    districts = _load_thai_binh_districts(kinds["district_board"])
    registry.rename_unit(
        province_unit("Huế"),
        actor=None,
        effective_date=HUE_CITY,
        name="Ban Tổ chức Thành ủy Huế",
        short_name="Huế",
        locality_type="Thành phố trực thuộc Trung ương",
        legal_basis="Nghị quyết 1314/NQ-UBTVQH15 (Huế thành thành phố trực thuộc Trung ương)",
    )
    for district in districts:  # the district level ended with two-level local government
        registry.dissolve_unit(
            district, actor=None, effective_date=MERGER_DAY, legal_basis=TWO_LEVEL_BASIS
        )
    new_provinces = {row["new_province"]: row for row in _data("provinces_34.csv")}
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in mapping:
        groups[row["new_province"]].append(row)
    for new_name, rows in groups.items():
        info = new_provinces[new_name]
        survivor = province_unit(new_name)
        version = survivor.version_on(MERGER_DAY - datetime.timedelta(days=1))
        new_code = info["new_code"]
        if len(rows) == 1:
            if version.admin_code != new_code:
                registry.rename_unit(
                    survivor,
                    actor=None,
                    effective_date=MERGER_DAY,
                    name=version.name,
                    admin_code=new_code,
                    legal_basis=MERGER_BASIS,
                )
            continue
        registry.merge_units(
            [province_unit(r["old_province"]) for r in rows],
            actor=None,
            effective_date=MERGER_DAY,
            into=survivor,
            successor_admin_code=new_code if new_code != version.admin_code else None,
            successor_locality_type=info["type"] if info["type"] != version.locality_type else None,
            legal_basis=MERGER_BASIS,
            note=f"Trung tâm hành chính: {info['admin_centre']}",
        )
    return True


def _load_thai_binh_districts(kind: UnitKind) -> list[Unit]:
    """Thái Bình's eight district-level boards: an example of the level below the provinces."""
    province = province_unit("Thái Bình")
    return [
        registry.create_unit(
            NewUnit(
                code=f"BTC-34-{number}",
                name=f"Ban Tổ chức {committee} {place}",
                short_name=place if committee == "Huyện ủy" else f"Thành phố {place}",
                parent=province,
                kind=kind,
            ),
            actor=None,
            valid_from=REGISTRY_START,
        )
        for number, (committee, place) in enumerate(THAI_BINH_DISTRICTS, start=1)
    ]


@transaction.atomic
def load_clusters(*, with_leadership: bool = True) -> bool:
    """The sector's five clusters, membership by year, and leadership facts with sources.

    ``with_leadership=False`` leaves every year's leadership open (the browser test elects
    Cụm 2's 2022 leadership itself)."""
    sector, _ = Sector.objects.get_or_create(
        code="tcxdd", defaults={"name": "Ngành Tổ chức xây dựng Đảng"}
    )
    if Cluster.objects.filter(sector=sector).exists():
        return False
    departments = {code: Unit.objects.get(code=code) for code, _ in DEPARTMENTS}
    clusters = {}
    for number in range(1, 6):
        code, status = CLUSTER_DEPARTMENTS[number]
        clusters[number] = Cluster.objects.create(
            sector=sector,
            number=number,
            name=f"Cụm thi đua số {number}",
            department=departments[code],
            department_status=status,
            regulation="Quy chế số 01-QC/CTĐ ngày 26-4-2017" if number == 4 else "",
        )
    rows = _data("clusters.csv")
    for row in rows:
        if row["role"] != "member":
            continue
        cluster = clusters[int(row["cluster"])]
        unit = province_unit(row["province"])
        if row["province_set"] == "63":
            for year in OLD_SET_YEARS:
                seen = year == int(row["year_of_source"]) or year in CONFIRMED_YEARS[cluster.number]
                status = row["status"] if seen else FactStatus.INFERRED
                note = (
                    row["note"]
                    if seen
                    else f"Giả định giữ nguyên thành phần năm {row['year_of_source']}"
                )
                cluster_services.add_member(
                    cluster, unit, year, actor=None, status=status, source=row["source"], note=note
                )
        else:
            for year in NEW_SET_YEARS:
                seen = year == int(row["year_of_source"])
                cluster_services.add_member(
                    cluster,
                    unit,
                    year,
                    actor=None,
                    status=row["status"] if seen else FactStatus.INFERRED,
                    source=row["source"],
                    note="" if seen else "Giả định giữ nguyên thành phần năm 2025",
                )
    for number, provinces in INVENTED_NEW_CLUSTERS.items():
        for province in provinces:
            for year in NEW_SET_YEARS:
                cluster_services.add_member(
                    clusters[number],
                    province_unit(province),
                    year,
                    actor=None,
                    status=FactStatus.INVENTED,
                    note="Không tìm thấy nguồn về Cụm 3–5 sau sáp nhập: dữ liệu minh họa.",
                )
    if not with_leadership:
        return True
    _load_elections(clusters)
    for row in rows:
        if row["role"] not in ("head", "deputy"):
            continue
        cluster, year = clusters[int(row["cluster"])], int(row["year_of_source"])
        unit = province_unit(row["province"])
        if ClusterLeadership.objects.filter(cluster=cluster, year=year, unit=unit).exists():
            continue
        cluster_services.set_leader(
            cluster,
            unit,
            year,
            row["role"],
            actor=None,
            status=row["status"],
            source=row["source"],
            note=row["note"],
        )
    return True


def _load_elections(clusters: dict[int, Cluster]) -> None:
    """The two elections the seeds report, recorded with their conferences and sources."""
    election_services.record_election_result(
        clusters[2],
        actor=None,
        for_year=2022,
        conference_title="Hội nghị trực tuyến tổng kết công tác thi đua, khen thưởng năm 2021",
        held_on=datetime.date(2021, 12, 10),
        place="Thái Bình",
        head=province_unit("Quảng Ninh"),
        deputies=[province_unit("Hải Phòng"), province_unit("Ninh Bình")],
        source=SEED_2021,
    )
    election_services.record_election_result(
        clusters[4],
        actor=None,
        for_year=2018,
        electorate_year=2017,
        conference_title=(
            "Hội nghị tổng kết công tác thi đua năm 2017 và triển khai nhiệm vụ năm 2018"
        ),
        held_on=datetime.date(2018, 1, 5),
        place="Bình Dương",
        head=province_unit("Bình Dương"),
        deputies=[province_unit("Long An"), province_unit("Lâm Đồng")],
        source=SEED_2018,
    )


DEMO_USERS = [
    # username, full name, role, unit code, what the account shows
    ("admin", "Quản trị hệ thống", None, None, "quản trị toàn hệ thống"),
    (
        "trunguong",
        "Nguyễn Văn An",
        Role.CENTRAL_STAFF,
        "BTCTW",
        "chuyên viên Ban Tổ chức Trung ương",
    ),
    (
        "vudp1",
        "Trần Thị Bình",
        Role.DEPARTMENT_STAFF,
        "VDP1",
        "chuyên viên Vụ Địa phương I (Cụm 1, 2)",
    ),
    (
        "quangninh",
        "Lê Văn Cường",
        Role.UNIT_OFFICER,
        "BTC-22",
        "Ban Tổ chức Tỉnh ủy Quảng Ninh (Cụm trưởng Cụm 2 năm 2022)",
    ),
    (
        "thaibinh",
        "Phạm Thị Dung",
        Role.UNIT_OFFICER,
        "BTC-34",
        "Ban Tổ chức Tỉnh ủy Thái Bình (Cụm trưởng Cụm 2 năm 2021, minh họa)",
    ),
    (
        "hungyen",
        "Vũ Thị Hoa",
        Role.UNIT_OFFICER,
        "BTC-33",
        "Ban Tổ chức Tỉnh ủy Hưng Yên (thành viên Cụm 2, đang tự chấm năm nay)",
    ),
    ("ngoaicum", "Hoàng Văn Em", None, None, "tài khoản không có vai trò"),
]


@transaction.atomic
def load_users() -> list[tuple[str, str]]:
    """Demo accounts (all with DEMO_PASSWORD). Returns (username, description) pairs."""
    user_model = get_user_model()
    for username, full_name, role, unit_code, _ in DEMO_USERS:
        last, _, first = full_name.rpartition(" ")
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_superuser": username == "admin",
                "is_staff": username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            RoleAssignment.objects.get_or_create(
                user=user, role=role, unit=Unit.objects.get(code=unit_code)
            )
    return [(u[0], u[4]) for u in DEMO_USERS]


def load_all() -> dict[str, object]:
    return {
        "registry": load_registry(),
        "clusters": load_clusters(),
        "users": load_users(),
        "memberships": ClusterMembership.objects.count(),
    }

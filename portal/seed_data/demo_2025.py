"""The demo's current year, 2025 in the new An Giang (An Giang and Kiên Giang merged on 1 July 2025): its
departments and 102 commune-level units (the CSV files beside this module, sources in
an-giang-2025-SOURCES.md), their lineage to the 2022 departments, and the 2025 council. Data only;
portal/seed_2025.py writes it.

Lineage. Decree 45/2025/NĐ-CP (28/02/2025) merged An Giang's departments: Nông nghiệp và Môi trường =
Nông nghiệp và PTNT + Tài nguyên và Môi trường; Tài chính = Tài chính + Kế hoạch và Đầu tư; Xây dựng =
Xây dựng + Giao thông vận tải; Khoa học và Công nghệ = KH&CN + Thông tin và Truyền thông; Nội vụ = Nội vụ +
Lao động – TB&XH; Ban Dân tộc became Sở Dân tộc và Tôn giáo. Resolution 202/2025/QH15 (12/06/2025) merged
the province with Kiên Giang, so every 2025 department also has a Kiên Giang predecessor outside this
portal; its name here is the 2025 department's name with "tỉnh Kiên Giang" (assumed: Kiên Giang applied
the same decree before the merger). The demo's Sở Văn hóa và Thể thao and Sở Du lịch were split from An
Giang's Sở Văn hóa, Thể thao và Du lịch.
"""
import csv
import os
from datetime import date

HERE = os.path.dirname(__file__)
DECREE_45 = ("45/2025/NĐ-CP", date(2025, 2, 28))
RESOLUTION_202 = ("202/2025/QH15", date(2025, 6, 12))

# 2025 department code: (kind, [2022 department codes]); a 2025 code equal to a 2022 code is the same unit.
LINEAGE = {
    "VPUB": ("merged", ["VPUB"]),
    "SNV": ("merged", ["SNV", "SLDTBXH"]),
    "STC": ("merged", ["STC", "SKHDT"]),
    "SNNMT": ("merged", ["SNNPTNT", "STNMT"]),
    "SXD": ("merged", ["SXD", "SGTVT"]),
    "SKHCN": ("merged", ["SKHCN", "STTTT"]),
    "SCT": ("merged", ["SCT"]),
    "SGDDT": ("merged", ["SGDDT"]),
    "SYT": ("merged", ["SYT"]),
    "STP": ("merged", ["STP"]),
    "SDTTG": ("merged", ["BDT"]),
    "SVHTT": ("split", ["SVHTTDL"]),
    "SDL": ("split", ["SVHTTDL"]),
    "TTT": ("merged", ["TTT"]),
    "BQLKKT": ("merged", ["BQLKKT"]),
}

# Council 2025: the 2022 members, with Sở KH&CN (which took in Thông tin và Truyền thông) appraising F7.
COUNCIL = [
    ("chutich", []),
    ("tv.snv", ["F1", "F4", "F5", "F8", "F9"]),
    ("tv.stp", ["F2"]),
    ("tv.vpub", ["F3"]),
    ("tv.stc", ["F6"]),
    ("tv.skhcn", ["F7"]),
]
NEW_MEMBER = ("tv.skhcn", "Nguyễn Hoàng Phúc", "Phó Giám đốc Sở Khoa học và Công nghệ", "SKHCN")
KIND_LABELS = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}


def _rows(name: str) -> list[dict]:
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def departments() -> list[tuple[str, str]]:
    """(code, name) of the 2025 departments, in the file's order."""
    return [(r["code"], r["name"]) for r in _rows("an-giang-2025-departments.csv")]


def communes() -> list[tuple[str, str, str]]:
    """(GSO code, name, kind: xa | phuong | dac_khu) of the 102 commune-level units, in the file's order."""
    return [(r["code"], r["name"], r["kind"]) for r in _rows("an-giang-2025-communes.csv")]


DEPARTMENT, COMMUNE = "department", "commune"
# The year's unit types in their order, with the reward rule of the demo year (top 5 departments as the
# preset says; top 10 and bottom 10 communes).
TYPES = ((DEPARTMENT, {}), (COMMUNE, {"reward_top": 10, "reward_bottom": 10}))


def roster() -> list[tuple[str, str, str, str]]:
    """(code, name, type code, leader's position) of every 2025 unit: departments, then communes."""
    return ([(code, name, DEPARTMENT, "Phó Giám đốc") for code, name in departments()]
            + [(code, name, COMMUNE, "Chủ tịch UBND") for code, name, _kind in communes()])

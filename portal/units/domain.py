"""Người ký văn bản của đơn vị — who signs a unit's own documents in a year, and in what capacity. Pure:
plain values in, plain values out (no Flask, no SQLAlchemy).

The signing authority (thẩm quyền ký) follows Decree 30/2020/NĐ-CP, Appendix I: the head signs under
their own title ("GIÁM ĐỐC"); a deputy signs for the head, "KT." before the head's title and the
deputy's own title below ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"); someone acting as head ("Quyền Giám đốc")
signs "Q. GIÁM ĐỐC"; a body run collectively (a People's Committee) is signed for on behalf of the
collective, "TM." before its name ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH")."""
import re
import unicodedata
from dataclasses import dataclass

from portal.policy.decisions import ALLOWED, Decision
from portal.policy.roles import UNIT_ROLES, Actor, Role

DEPUTY = "phó "       # Phó Giám đốc, Phó Chủ tịch, Phó Chánh Văn phòng, Phó Trưởng ban…
ACTING = "quyền "     # Quyền Giám đốc
POSITIONS = ("Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng", "Phó Chánh Văn phòng",
             "Chánh Thanh tra", "Phó Chánh Thanh tra", "Trưởng ban", "Phó Trưởng ban", "Quyền Giám đốc")
DISTRICT_SYMBOL = "BC-UBND"
DEPARTMENT_SYMBOL = "BC"   # a department's own abbreviation is not known until someone types it
_DISTRICT = re.compile(r"^(?:UBND|[UỦ][yỷ] ban nhân dân)\s+(?:huyện|thị xã|thành phố|quận|thị trấn|xã|phường|đặc khu)"
                       r"\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Signer:
    """The signer of a unit's documents in one year: name, position, the collective body signed for
    (empty for a body run by its head), the document symbol (ký hiệu, "BC-SNV") and the place name of
    the date line (địa danh)."""

    name: str
    position: str
    collective: str = ""
    symbol: str = DEPARTMENT_SYMBOL
    place: str = ""

    @property
    def authority_lines(self) -> list[str]:
        return signing_authority(self.position, self.collective)


def clean(text: str | None) -> str:
    """NFC, single spaces, no edges: what is stored and compared."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def signing_authority(position: str, collective: str = "") -> list[str]:
    """The lines above the signature, in capitals (Decree 30/2020, Appendix I).

    "Giám đốc" → ["GIÁM ĐỐC"]; "Phó Giám đốc" → ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]; "Quyền Giám đốc" →
    ["Q. GIÁM ĐỐC"]; with collective "Ủy ban nhân dân", "Phó Chủ tịch" →
    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]."""
    position, collective = clean(position), clean(collective)
    lowered = position.lower()
    if lowered.startswith(DEPUTY) and len(position) > len(DEPUTY):
        lines = [f"KT. {position[len(DEPUTY):].upper()}", position.upper()]
    elif lowered.startswith(ACTING) and len(position) > len(ACTING):
        lines = [f"Q. {position[len(ACTING):].upper()}"]
    else:
        lines = [position.upper()] if position else []
    return ([f"TM. {collective.upper()}"] if collective else []) + lines


def district_place(unit_name: str) -> str | None:
    """"UBND huyện Tịnh Biên" → "Tịnh Biên", "UBND xã Mỹ Hòa Hưng" → "Mỹ Hòa Hưng": a local committee dates
    its documents with its own name."""
    match = _DISTRICT.match(clean(unit_name))
    return match.group(1) if match else None


def default_signer(unit_name: str, committee: bool, province_place: str, leader_name: str = "") -> Signer:
    """What a unit's documents said before anyone recorded its signer: a People's Committee's chairman
    (a unit whose type of the year is `committee`: district, commune) on behalf of the committee, with
    BC-UBND and its own place name; a department's head by the kind of body its name says, with the bare
    BC symbol and the province's place name."""
    if committee:
        return Signer(leader_name, "Chủ tịch", "Ủy ban nhân dân", DISTRICT_SYMBOL,
                      district_place(unit_name) or province_place)
    lowered = clean(unit_name).lower()
    position = "Giám đốc"
    for prefix, title in (("văn phòng", "Chánh Văn phòng"), ("thanh tra", "Chánh Thanh tra"), ("ban", "Trưởng ban")):
        if lowered.startswith(prefix):
            position = title
            break
    return Signer(leader_name, position, "", DEPARTMENT_SYMBOL, province_place)


def can_edit_signer(actor: Actor, *, own_unit: bool) -> Decision:
    """The admin edits every unit's signer; a unit's leader its own unit's. Another unit's signer is
    reported as missing to a unit account (never forbidden), so unit ids cannot be probed."""
    if actor.role == Role.ADMIN:
        return ALLOWED
    if actor.role in UNIT_ROLES and not own_unit:
        return Decision(False, "not_found")
    if actor.role == Role.UNIT_LEADER:
        return ALLOWED
    return Decision(False, "role")

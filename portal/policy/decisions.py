"""What every rule answers — a :class:`Decision`: allowed, or refused with a stable code whose message template
is in :data:`REASON_MESSAGES`. Pure, standard library only; :mod:`portal.policy.refusals` turns a refusal into
the typed exception and the message in the user's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.text import N_


# Message templates per refusal code. Placeholders are only ever {phase} (the phase label), {until} and
# {opens_at} (formatted local times), so the web layer can always format with all three.
REASON_MESSAGES: dict[str, str] = {
    "role": N_("Tài khoản của bạn không có quyền thực hiện thao tác này."),
    "not_own_unit": N_("Bạn chỉ có thể xem và cập nhật hồ sơ của đơn vị mình."),
    "wrong_phase": N_("Thao tác này không thực hiện được khi đợt đánh giá đang ở giai đoạn {phase}."),
    "not_open_yet": N_("Chưa đến thời gian {phase}: bắt đầu lúc {opens_at}."),
    "closed": N_("Đã hết hạn {phase} lúc {until}. Liên hệ Sở Nội vụ nếu cần gia hạn."),
    "submitted": N_("Hồ sơ đã được chốt nên không sửa được nữa. Liên hệ Sở Nội vụ nếu cần mở lại."),
    "not_ready": N_("Hồ sơ của đơn vị chưa đến bước này; vui lòng chờ bước trước hoàn tất."),
    "not_assigned": N_("Bạn không được phân công thẩm định lĩnh vực này."),
    "own_agency": N_(
        "Bạn không thẩm định hồ sơ của chính cơ quan mình; Sở Nội vụ sẽ phân công người khác."
    ),
    "finalized": N_("Hồ sơ đã thẩm định xong nên không thay đổi được."),
    "fields_pending": N_("Còn lĩnh vực chưa thẩm định xong; hoàn tất tất cả lĩnh vực rồi kết thúc."),
    "round1_closed": N_("Thẩm định vòng 1 của đơn vị này đã kết thúc; đơn vị đã xem được kết quả."),
    "reason_required": N_("Vui lòng nêu lý do khi đưa đợt đánh giá về giai đoạn trước."),
    "same_phase": N_("Đợt đánh giá đang ở giai đoạn {phase}."),
    "skip_phase": N_("Chỉ chuyển được sang giai đoạn kế tiếp, không bỏ qua giai đoạn nào."),
    "approved": N_("Kết quả đã được phê duyệt nên không tính lại hay phê duyệt lại được."),
    "not_approved": N_("Kết quả chưa được phê duyệt; cần quyết định phê duyệt trước khi công bố."),
    "not_published": N_("Kết quả chưa được công bố."),
    "council_until_published": N_(
        "Kết quả chung của cả năm chỉ mở cho thành viên Hội đồng sau khi công bố. Trước đó, hãy xem các "
        "lĩnh vực được phân công trên trang Thẩm định."
    ),
    "evidence_by_item": N_(
        "Thành viên Hội đồng mở tài liệu kiểm chứng ngay tại các tiêu chí thuộc lĩnh vực được phân công, "
        "trên trang Thẩm định, không mở cả thư viện của đơn vị."
    ),
    "stale": N_(
        "Điểm đã thay đổi sau lần tính kết quả nên kết quả đã phê duyệt không còn khớp với điểm. Hãy đưa đợt "
        "đánh giá về giai đoạn tổng hợp kết quả, tính lại rồi phê duyệt lại trước khi công bố."
    ),
    "shorter_than_common": N_(
        "Hạn mới của đơn vị phải sau hạn chót chung của giai đoạn ({until}): gia hạn hay mở lại chỉ cho đơn vị "
        "thêm thời gian, không rút ngắn. Hãy nhập một thời điểm sau {until}."
    ),
    "correction_open": N_(
        "Đang có một quyết định đính chính chưa phê duyệt. Hãy tính lại và phê duyệt đính chính đó trước khi "
        "ghi nhận đính chính mới."
    ),
    "no_correction": N_("Chưa có quyết định đính chính nào đang mở. Hãy ghi nhận quyết định đính chính trước."),
    "not_in_correction": N_(
        "Kết quả đã công bố: chỉ sửa được điểm của các đơn vị có trong quyết định đính chính đang mở."
    ),
    "final": N_(
        "Kết quả đã công bố là kết quả cuối cùng nên không đưa đợt đánh giá về giai đoạn trước được. Nếu cần "
        "sửa kết quả của đơn vị nào, hãy ghi nhận quyết định đính chính trên trang Kết quả."
    ),
    "locked": N_("Bộ tiêu chí đã khóa từ khi mở tự đánh giá. Liên hệ quản trị nếu cần mở khóa."),
    "roster_reason": N_("Năm đánh giá đã qua giai đoạn chuẩn bị: hãy ghi lý do thêm hoặc bớt đơn vị."),
    "roster_has_work": N_("Đơn vị đã có điểm, giải trình, tài liệu hoặc ý kiến trong năm này nên không bớt khỏi "
                          "năm được; hồ sơ được giữ làm lịch sử."),
    "roster_no_set": N_("Loại đơn vị này chưa có bộ tiêu chí của năm. Hãy nhập hoặc sao chép bộ tiêu chí "
                        "(mục Bộ tiêu chí) trước khi thêm đơn vị."),
    "roster_present": N_("Đơn vị đã tham gia năm đánh giá này."),
    "year_exists": N_("Năm đánh giá này đã có. Hãy chọn năm khác."),
}
REASON_CODES = frozenset(REASON_MESSAGES)


@dataclass(frozen=True)
class Decision:
    """The answer of a predicate: allowed or not, a stable refusal code, and the times that matter.

    Truthy iff allowed, so ``if can_x(...):`` reads naturally; a refusal is therefore falsy.
    ``until`` is the effective closing time for this unit and ``opens_at`` the opening time, where a
    deadline window was consulted (on success too, so the page can show the deadline).
    """

    allowed: bool
    reason: str | None = None
    until: datetime | None = None
    opens_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def refuse(code: str) -> Decision:
    """A refusal with a stable code from :data:`REASON_MESSAGES` (an unknown code is a bug)."""
    if code not in REASON_MESSAGES:
        raise ValueError(f"unknown refusal code {code!r}")
    return Decision(False, code)


#: The refusal codes about who the person is (answered 403); every other code is about the phase, the window
#: or the state of the record (answered 409).
WHO_CODES = frozenset({"role", "not_own_unit", "not_assigned", "own_agency"})


def refusal_status(decision: Decision) -> int:
    """The HTTP status of a refusal: 403 for who the person is, 409 for when or what."""
    return 403 if decision.reason in WHO_CODES else 409

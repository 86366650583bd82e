"""Bộ tiêu chí dạng Excel: bố cục — the workbook officials keep a criteria set in, one row per item.

Sheet "Tiêu chí": one row per field, group, scored item and bonus/deduction, linked by "Mã cha".
Sheet "Thông tin": the set's key/value facts. The columns and labels here are what
portal.criteria.xlsx_write writes and portal.criteria.xlsx_read reads back; the cell rules (a text that
would start a formula is written with a leading "'" and read back without it) are portal.spreadsheet's.
"""

ITEMS_SHEET, META_SHEET = "Tiêu chí", "Thông tin"
COLUMNS = {  # key → header, in sheet order
    "code": "Mã",
    "parent": "Mã cha",
    "kind": "Loại",
    "title": "Nội dung",
    "max": "Điểm tối đa",
    "method": "Phương pháp",
    "settings": "Các mức / khung",
    "input": "Số liệu kê khai",
    "na": "Cho phép không áp dụng",
    "ap": "Cơ quan thẩm định",
    "guidance": "Cách tính điểm",
    "evidence": "Yêu cầu tài liệu kiểm chứng",
    "note": "Ghi chú",
}
KIND_LABELS = {
    "field": "Lĩnh vực",
    "group": "Nhóm tiêu chí",
    "item": "Tiêu chí",
    "adjustment": "Điểm cộng-trừ",
}
META_ROWS = {
    "set": "Mã bộ tiêu chí",
    "unit_type": "Loại đơn vị",
    "total": "Tổng điểm",
    "appraisal": "Điểm thẩm định",
    "survey": "Điểm điều tra",
    "bonus_cap": "Trần điểm cộng",
    "deduction_cap": "Trần điểm trừ",
}
YES, NO = "Có", "Không"

"""The demo year's facts (domain.md §4, §7): An Giang's 11 district-level units, 20 demo departments, and
the council's default field mapping. Data only; portal/cli.py writes it."""

DISTRICTS = [
    ("883", "UBND thành phố Long Xuyên"),
    ("884", "UBND thành phố Châu Đốc"),
    ("886", "UBND huyện An Phú"),
    ("887", "UBND thị xã Tân Châu"),
    ("888", "UBND huyện Phú Tân"),
    ("889", "UBND huyện Châu Phú"),
    ("890", "UBND huyện Tịnh Biên"),  # thị xã Tịnh Biên from 10/04/2023 (NQ 721/NQ-UBTVQH15)
    ("891", "UBND huyện Tri Tôn"),
    ("892", "UBND huyện Châu Thành"),
    ("893", "UBND huyện Chợ Mới"),
    ("894", "UBND huyện Thoại Sơn"),
]
RENAMED_2023 = {"890": "UBND thị xã Tịnh Biên"}

DEPARTMENTS = [
    ("VPUB", "Văn phòng UBND tỉnh"),
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và PTNT"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SNGV", "Sở Ngoại vụ"),
    ("TTT", "Thanh tra tỉnh"),
    ("BDT", "Ban Dân tộc"),
    ("BQLKKT", "Ban Quản lý Khu kinh tế"),
]

# Council (Hội đồng thẩm định): username, full name, position, agency code, role, fields (domain.md §4).
COUNCIL = [
    ("chutich", "Nguyễn Văn Thành", "Giám đốc Sở Nội vụ, Chủ tịch Hội đồng", "SNV", "council_chair", []),
    ("tv.snv", "Trần Thị Hồng Nhung", "Phó Giám đốc Sở Nội vụ", "SNV", "council_member", ["F1", "F4", "F5", "F8", "F9"]),
    ("tv.stp", "Lê Quốc Dũng", "Phó Giám đốc Sở Tư pháp", "STP", "council_member", ["F2"]),
    ("tv.vpub", "Phạm Minh Đức", "Phó Chánh Văn phòng UBND tỉnh", "VPUB", "council_member", ["F3"]),
    ("tv.stc", "Võ Thị Ánh", "Phó Giám đốc Sở Tài chính", "STC", "council_member", ["F6"]),
    ("tv.stttt", "Huỳnh Thanh Tùng", "Phó Giám đốc Sở Thông tin và Truyền thông", "STTTT", "council_member", ["F7"]),
]

ADMIN = ("admin", "Đặng Thị Thu Hà", "Chuyên viên Phòng CCHC, Sở Nội vụ", "SNV")
DEMO_PASSWORD = "demo-cchc-2022"

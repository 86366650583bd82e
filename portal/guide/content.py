"""The text of the user guide: per role, its work in the order of the year, each step with the screenshot
that shows it (a name of bench/guide_screens.py's shots; the image is static/guide/<lang>/<name>.webp).

Plain data, translated lazily: the pages render it in the reader's language. Which section of the guide a
page's help link opens is also here (HELP_AT), so the header's "Hướng dẫn" link lands on the step that
explains the page the person is on.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    anchor: str
    title: str
    paragraphs: tuple
    shot: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class RoleGuide:
    slug: str
    role: str                   # the account role (portal.users: admin, unit_staff, …)
    title: str
    summary: str
    steps: tuple


UNIT_STAFF = RoleGuide(
    "can-bo-don-vi", "unit_staff", _l("Cán bộ đơn vị"),
    _l("Tự chấm điểm từng tiêu chí thành phần của đơn vị, đưa tài liệu kiểm chứng lên, giải trình sau thẩm "
       "định vòng 1 và xem kết quả. Lãnh đạo đơn vị kiểm tra và chốt."),
    (
        Step("dang-nhap", _l("Đăng nhập"), (
            _l("Mở Cổng Chỉ số CCHC và đăng nhập bằng tên đăng nhập và mật khẩu do Sở Nội vụ cấp. Lần đăng "
               "nhập đầu tiên, Cổng yêu cầu bạn đặt mật khẩu mới."),
            _l("Nút “English” ở đầu trang chuyển giao diện sang tiếng Anh; Cổng nhớ lựa chọn này cho lần "
               "sau."),
        ), "login", _l("Trang đăng nhập.")),
        Step("trang-chu", _l("Trang chủ: việc cần làm"), (
            _l("Trang chủ cho biết năm đánh giá, giai đoạn hiện tại, hạn chót của đơn vị và việc cần làm "
               "tiếp theo. “Thông báo” ở đầu trang báo khi Hội đồng gửi ý kiến, khi một giai đoạn sắp mở "
               "hoặc sắp hết hạn, khi kết quả được công bố."),
        ), "staff-home", _l("Trang chủ của cán bộ đơn vị trong giai đoạn tự đánh giá.")),
        Step("tai-lieu", _l("Đưa tài liệu kiểm chứng vào thư viện"), (
            _l("Mục “Tài liệu kiểm chứng” là thư viện của đơn vị. Nhập số, ký hiệu, ngày ban hành, cơ quan "
               "ban hành, trích yếu và chọn tệp: PDF, Word, Excel không có macro, JPEG hoặc PNG, tối đa 20 "
               "MB mỗi tệp. Một tài liệu dùng được cho nhiều mục; thay tệp thì các phiên bản cũ vẫn được "
               "giữ."),
            _l("Tệp có macro hoặc nội dung tự chạy khi mở bị từ chối, kèm cách xử lý: thường là in tài liệu "
               "ra PDF rồi tải lên lại."),
        ), "staff-library", _l("Thư viện tài liệu kiểm chứng của đơn vị.")),
        Step("tu-cham", _l("Mở hồ sơ tự đánh giá"), (
            _l("Mục “Tự đánh giá” mở hồ sơ của đơn vị: các lĩnh vực (F1, F2, …) gập và mở được; mỗi tiêu chí "
               "thành phần có điểm tối đa, cách tính điểm và tài liệu kiểm chứng cần có."),
            _l("Dòng tóm tắt luôn ở đầu màn hình: số mục đã chấm, số mục chưa có tài liệu kiểm chứng, tổng "
               "điểm tự chấm và chỉ số tự đánh giá. Hạn chót và thời gian còn lại hiện ngay dưới tên đơn "
               "vị; hết hạn thì hồ sơ chỉ còn xem được."),
        ), "staff-workspace", _l("Hồ sơ tự đánh giá: hạn chót, dòng tóm tắt và lĩnh vực F1.")),
        Step("cham-diem", _l("Chấm từng mục và gắn tài liệu"), (
            _l("Chọn hoặc nhập kết quả của mục, ghi thuyết minh rồi bấm “Lưu”. Mục được lưu ngay, không tải "
               "lại trang; điểm của lĩnh vực và dòng tóm tắt cập nhật theo. Số thập phân nhập bằng dấu "
               "phẩy hoặc dấu chấm (0,5 hoặc 0.5)."),
            _l("Bấm “Gắn tài liệu từ thư viện” để gắn tài liệu kiểm chứng vào mục. Mục có điểm mà chưa có "
               "tài liệu được đánh dấu để bạn bổ sung. Mục được phép “không áp dụng” thì ghi lý do; mục đó "
               "không tính vào điểm và điểm tối đa."),
            _l("Nếu một đồng nghiệp vừa lưu cùng mục, Cổng cho biết ai lưu, lúc nào, và hiện cả hai giá trị "
               "để bạn chọn."),
        ), "staff-item", _l("Mục 1.2 vừa được lưu: chưa có tài liệu kiểm chứng nên được đánh dấu.")),
        Step("nhap-excel", _l("Hoặc điền trên tệp Excel"), (
            _l("Bấm “Tải mẫu Excel”, điền điểm và thuyết minh ngoài Cổng, rồi mở “Nhập điểm từ tệp Excel đã "
               "điền” và chọn tệp. Cổng cho xem trước từng thay đổi và từng lỗi theo dòng; điểm chỉ được "
               "lưu khi bạn xác nhận. Tệp còn lỗi thì không dòng nào được lưu; dòng trùng điểm đã lưu được "
               "đếm riêng."),
        ), "staff-import", _l("Nhập điểm từ tệp Excel đã điền.")),
        Step("bao-lanh-dao", _l("Báo lãnh đạo chốt"), (
            _l("Chỉ lãnh đạo đơn vị chốt điểm tự chấm; tên lãnh đạo hiện trên hồ sơ. Khi đã chấm xong, bấm "
               "“Kiểm tra trước khi lãnh đạo chốt” để xem các mục chưa chấm và những điểm cần xem lại (có "
               "điểm mà chưa có tài liệu, tài liệu ngày tháng ngoài năm đánh giá, thiếu thuyết minh), sửa "
               "xong thì báo lãnh đạo."),
        ), "staff-submit", _l("Trang kiểm tra khi cán bộ mở: trang giải thích ai chốt.")),
        Step("giai-trinh", _l("Giải trình sau thẩm định vòng 1"), (
            _l("Khi Hội đồng kết thúc vòng 1, đơn vị xem điểm thẩm định, ý kiến của Hội đồng và tải kết quả "
               "thẩm định (PDF)."),
            _l("Trong giai đoạn giải trình, trang “Giải trình” liệt kê các mục Hội đồng chấm khác điểm tự "
               "chấm hoặc yêu cầu giải trình. Ghi nội dung giải trình từng mục, gắn thêm tài liệu nếu cần, "
               "trả lời ý kiến của Hội đồng, rồi bấm “Lưu giải trình”. Lãnh đạo đơn vị chốt giải trình."),
        ), "unit-explain", _l("Trang giải trình: một mục, ý kiến của Hội đồng và ô giải trình.")),
        Step("ket-qua", _l("Xem kết quả"), (
            _l("Sau khi kết quả được phê duyệt và công bố, mục “Kết quả” cho biết chỉ số, xếp loại, thứ hạng "
               "và chỉ số thành phần từng lĩnh vực, kèm báo cáo tự đánh giá và kết quả thẩm định (PDF)."),
            _l("Chọn năm ở đầu trang (“Năm đánh giá”, “Chuyển năm”) để xem các năm trước."),
        ), "unit-results", _l("Kết quả năm 2022 của Sở Tư pháp.")),
    ),
)

UNIT_LEADER = RoleGuide(
    "lanh-dao-don-vi", "unit_leader", _l("Lãnh đạo đơn vị"),
    _l("Làm được mọi việc của cán bộ đơn vị; thêm vào đó kiểm tra và chốt điểm tự chấm, ghi người ký văn bản "
       "và chốt giải trình."),
    (
        Step("kiem-tra", _l("Kiểm tra hồ sơ của đơn vị"), (
            _l("Lãnh đạo chấm điểm, đưa tài liệu lên và nhập Excel như cán bộ (xem hướng dẫn cho cán bộ đơn "
               "vị). Trước khi chốt, mở “Tự đánh giá” và đọc dòng tóm tắt: số mục đã chấm, số mục chưa có "
               "tài liệu kiểm chứng, tổng điểm và chỉ số tự đánh giá."),
        ), "staff-workspace", _l("Hồ sơ tự đánh giá với dòng tóm tắt.")),
        Step("nguoi-ky", _l("Người ký văn bản"), (
            _l("Trong hồ sơ, nút “Người ký văn bản” mở trang ghi họ tên, chức vụ người ký, thẩm quyền ký (ký "
               "thay, quyền, thay mặt), ký hiệu văn bản và địa danh của đơn vị. Trang hiện khối chữ ký "
               "đúng như sẽ in trên báo cáo theo Nghị định 30/2020/NĐ-CP."),
        ), "leader-signer", _l("Người ký văn bản của Sở Tư pháp và khối chữ ký sẽ in.")),
        Step("chot-diem", _l("Kiểm tra và chốt điểm tự chấm"), (
            _l("Bấm “Kiểm tra và chốt điểm tự chấm”. Trang liệt kê các mục chưa chấm và những điểm cần xem "
               "lại: có điểm mà chưa có tài liệu, tài liệu ngày tháng ngoài năm đánh giá, thiếu thuyết "
               "minh. Sửa những gì cần, đánh dấu xác nhận rồi bấm “Chốt điểm tự chấm” trước hạn chót."),
            _l("Sau khi chốt, hồ sơ không sửa được nữa; chỉ Sở Nội vụ mở lại được, kèm lý do đơn vị được "
               "xem."),
        ), "leader-submit", _l("Trang kiểm tra và chốt điểm tự chấm.")),
        Step("chot-giai-trinh", _l("Chốt giải trình"), (
            _l("Trong giai đoạn giải trình, đọc lại nội dung giải trình từng mục. Trang cho biết còn bao "
               "nhiêu mục chưa trả lời; mục không giải trình giữ điểm thẩm định vòng 1. Đánh dấu xác nhận "
               "rồi bấm “Chốt giải trình”; sau khi chốt, đơn vị không sửa được nữa."),
        ), "leader-explain", _l("Cuối trang giải trình: phần chốt giải trình.")),
        Step("ket-qua", _l("Kết quả và báo cáo"), (
            _l("Sau khi công bố, mục “Kết quả” cho biết chỉ số, xếp loại và thứ hạng của đơn vị. Báo cáo tự "
               "đánh giá (PDF) in đúng thể thức, với người ký đã ghi, để ký ban hành."),
        ), "unit-results", _l("Kết quả của đơn vị và các báo cáo PDF.")),
    ),
)

COUNCIL_MEMBER = RoleGuide(
    "thanh-vien-hoi-dong", "council_member", _l("Thành viên Hội đồng thẩm định"),
    _l("Thẩm định các lĩnh vực được phân công ở hai vòng: quyết định từng mục, trao đổi ý kiến với đơn vị, "
       "đánh dấu xong từng lĩnh vực."),
    (
        Step("bang-theo-doi", _l("Bảng theo dõi thẩm định"), (
            _l("Mục “Thẩm định” mở bảng các đơn vị và lĩnh vực được phân công cho bạn; cơ quan của chính bạn "
               "không bao giờ có trong bảng. Mỗi ô cho biết số mục đã có quyết định trên tổng số mục. Bấm "
               "một ô để mở lĩnh vực: trang đến thẳng mục đầu tiên chưa có quyết định."),
        ), "member-board", _l("Bảng theo dõi thẩm định vòng 1 của một thành viên.")),
        Step("quyet-dinh", _l("Quyết định từng mục"), (
            _l("Mỗi mục hiện điểm tự chấm, thuyết minh và tài liệu kiểm chứng của đơn vị (mở ngay trên "
               "trang). Mỗi mục cần một quyết định:"),
            _l("• đồng ý: bấm “Đồng ý với điểm tự chấm” (một lần bấm, hoặc phím Enter);"),
            _l("• không đồng ý: nhập điểm thẩm định khác kèm nhận xét, rồi bấm “Lưu điểm thẩm định”. Đánh "
               "dấu “Yêu cầu đơn vị giải trình, bổ sung tài liệu” khi cần đơn vị trả lời."),
        ), "member-field",
         _l("Lĩnh vực F2 của Sở Y tế: một mục vừa được đồng ý, mục tiếp theo chờ quyết định.")),
        Step("ban-phim", _l("Làm nhanh bằng bàn phím"), (
            _l("Sau mỗi lần lưu, con trỏ chuyển đến nút “Đồng ý với điểm tự chấm” của mục tiếp theo chưa có "
               "quyết định. Tại nút này: Enter để đồng ý; một phím số để chấm khác (1 = Có, 2 = Không, hoặc "
               "mức thứ n; với mục nhập số, chữ số được gõ vào ô đầu tiên), con trỏ chuyển xuống ô nhận xét; "
               "Ctrl+Enter lưu khi đang ở ô nhận xét. Gợi ý phím hiện ngay dưới nút."),
            _l("Hết mục, Enter đánh dấu xong lĩnh vực và Enter lần nữa mở lĩnh vực tiếp theo."),
        )),
        Step("y-kien", _l("Trao đổi ý kiến"), (
            _l("Bấm “Ý kiến” dưới một mục để mở trao đổi ngay tại chỗ. Ý kiến mới chỉ Hội đồng thấy; bấm "
               "“Xem trước và gửi cho đơn vị” để xem đơn vị sẽ thấy gì, rồi gửi. Đơn vị được thông báo và "
               "trả lời được; trao đổi được đánh dấu đã giải quyết và mở lại được."),
        ), "member-comments", _l("Một ý kiến nội bộ Hội đồng, chưa gửi cho đơn vị.")),
        Step("danh-dau-xong", _l("Đánh dấu xong lĩnh vực"), (
            _l("Khi mọi mục đã có quyết định, bấm “Đánh dấu đã thẩm định xong lĩnh vực”. Nếu còn mục chưa có "
               "quyết định, Cổng không đánh dấu mà liệt kê các mục đó kèm điểm tự chấm. Bạn quyết định "
               "tiếp từng mục, hoặc bấm “Đồng ý với điểm tự chấm cho N mục còn lại và đánh dấu xong”: mỗi "
               "mục được ghi vào nhật ký."),
        ), "member-done", _l("Đánh dấu xong khi còn 7 mục chưa có quyết định.")),
        Step("vong-2", _l("Thẩm định vòng 2"), (
            _l("Sau khi đơn vị chốt giải trình, trang lĩnh vực ở vòng 2 chỉ liệt kê các mục đơn vị đã giải "
               "trình (các mục khác cách một liên kết). Đọc giải trình và tài liệu bổ sung rồi quyết định "
               "lại từng mục. Lĩnh vực không có mục nào được giải trình tự động được tính là xong."),
            _l("Lịch sử mỗi mục ghi đủ năm giá trị: tự chấm, vòng 1, giải trình, vòng 2, cuối cùng, kèm "
               "người và thời điểm."),
        ), "member-round2", _l("Vòng 2: chỉ các mục đơn vị đã giải trình.")),
    ),
)

COUNCIL_CHAIR = RoleGuide(
    "chu-tich-hoi-dong", "council_chair", _l("Chủ tịch Hội đồng thẩm định"),
    _l("Theo dõi toàn bộ Hội đồng, kết thúc vòng 1 và hoàn tất thẩm định từng đơn vị, xem kết quả và ghi "
       "nhận phê duyệt."),
    (
        Step("bang-hoi-dong", _l("Bảng toàn Hội đồng"), (
            _l("Chủ tịch thấy mọi đơn vị và mọi lĩnh vực, lọc được theo loại đơn vị. Phần “Tổng hợp” đếm số "
               "lĩnh vực chưa thẩm định, đang thẩm định và đã xong. Chủ tịch cũng thẩm định được bất kỳ "
               "lĩnh vực nào, như một thành viên (xem hướng dẫn cho thành viên Hội đồng)."),
        ), "chair-board", _l("Bảng theo dõi thẩm định vòng 1 của Chủ tịch.")),
        Step("ket-thuc-vong-1", _l("Kết thúc vòng 1 của từng đơn vị"), (
            _l("Khi mọi lĩnh vực của một đơn vị đã đánh dấu xong, bấm “Kết thúc vòng 1” ở dòng của đơn vị. "
               "Đơn vị khi đó thấy điểm thẩm định vòng 1 và tải được kết quả thẩm định (PDF). Vòng 1 cũng "
               "kết thúc cho mọi đơn vị khi Sở Nội vụ chuyển sang giai đoạn giải trình."),
        )),
        Step("hoan-tat", _l("Vòng 2: hoàn tất thẩm định"), (
            _l("Ở vòng 2, mỗi ô chỉ đếm các mục đơn vị đã giải trình; lĩnh vực không có giải trình hiện "
               "“không có giải trình” và đã xong. Khi mọi lĩnh vực của đơn vị đã xong, bấm “Hoàn tất thẩm "
               "định” ở dòng của đơn vị để khóa điểm thẩm định cuối cùng. Hồ sơ của cơ quan Chủ tịch do Sở "
               "Nội vụ hoàn tất."),
        ), "chair-round2", _l("Bảng theo dõi thẩm định vòng 2.")),
        Step("ket-qua", _l("Kết quả và bản đồ nhiệt"), (
            _l("Ở giai đoạn tổng hợp, mục “Kết quả” cho xem bảng xếp hạng của từng loại đơn vị và bản đồ "
               "nhiệt đơn vị × lĩnh vực: mỗi ô ghi giá trị, màu theo xếp loại, chú giải ở đầu bảng."),
            _l("Chủ tịch (hoặc Sở Nội vụ) ghi nhận số và ngày quyết định phê duyệt kết quả."),
        ), "chair-heatmap", _l("Bản đồ nhiệt chỉ số thành phần.")),
        Step("bao-cao", _l("Báo cáo của Hội đồng"), (
            _l("Mục “Báo cáo” in biên bản thẩm định của Hội đồng, báo cáo tổng hợp và phụ lục xếp hạng theo "
               "thể thức Nghị định 30/2020/NĐ-CP, cùng bảng điểm và bảng xếp hạng Excel."),
        ), "admin-reports", _l("Trang báo cáo.")),
    ),
)

ADMIN = RoleGuide(
    "quan-tri", "admin", _l("Quản trị — Sở Nội vụ"),
    _l("Mở năm đánh giá, chuẩn bị đơn vị, bộ tiêu chí, tài khoản và Hội đồng, điều hành các giai đoạn và "
       "thời hạn, tính, trình phê duyệt, công bố kết quả, đính chính và in báo cáo."),
    (
        Step("mo-nam", _l("Mở năm đánh giá"), (
            _l("“Năm đánh giá → Mở năm mới”: nhập năm và tiêu đề, chọn năm trống hoặc sao chép từ một năm "
               "trước. Khi sao chép, loại đơn vị, bộ tiêu chí, danh sách đơn vị, Hội đồng, thiết lập kết "
               "quả và thiết lập báo cáo được tạo thành bản mới của năm mới; năm cũ không thay đổi. Thời "
               "hạn các giai đoạn được đề xuất lùi một năm, cần kiểm tra rồi bấm “Lưu thời hạn”."),
        ), "admin-new-year", _l("Mở năm đánh giá mới.")),
        Step("loai-don-vi", _l("Loại đơn vị"), (
            _l("Mỗi năm có các loại đơn vị được xếp hạng riêng (sở, ban, ngành; UBND cấp xã, …), theo thứ "
               "tự, với tên dùng trong báo cáo và quy tắc khen thưởng: số đơn vị đứng đầu được đề nghị "
               "khen thưởng và, nếu cần, số đơn vị cuối bảng."),
        ), "admin-types", _l("Loại đơn vị của năm 2025.")),
        Step("don-vi-tham-gia", _l("Đơn vị tham gia"), (
            _l("Danh sách đơn vị tham gia năm, với loại và tên gọi của năm đó. Thêm một đơn vị là tạo ngay "
               "hồ sơ của đơn vị; sau giai đoạn chuẩn bị, thêm hoặc bớt phải ghi lý do, và hồ sơ đã có dữ "
               "liệu không bao giờ bị xóa. “Tiền thân” ghi nhận các đơn vị được hợp nhất, chia tách khi "
               "sắp xếp bộ máy."),
        ), "admin-roster", _l("Danh sách đơn vị tham gia năm 2025.")),
        Step("bo-tieu-chi", _l("Bộ tiêu chí"), (
            _l("Mỗi loại đơn vị có một bộ tiêu chí: lĩnh vực → tiêu chí → tiêu chí thành phần; mỗi mục có "
               "điểm tối đa, phương pháp chấm, hướng dẫn, tài liệu kiểm chứng yêu cầu và lĩnh vực của Hội "
               "đồng. Bộ tiêu chí nhập và xuất được bằng YAML hoặc Excel (xem trước mọi lỗi theo dòng), "
               "sao chép từ năm trước, và khóa lại khi đã dùng."),
        ), "admin-criteria", _l("Danh sách bộ tiêu chí.")),
        Step("tai-khoan", _l("Đơn vị và tài khoản"), (
            _l("“Đơn vị” và “Tài khoản”: tìm khi đang gõ, có dấu hoặc không dấu; sửa ngay trên dòng. Tạo tài "
               "khoản cán bộ, lãnh đạo đơn vị và thành viên Hội đồng; đặt lại mật khẩu (mật khẩu dùng một "
               "lần chỉ hiện một lần), vô hiệu hóa, kết thúc các phiên đăng nhập, đặt lại xác thực hai "
               "lớp."),
        ), "admin-users", _l("Danh sách tài khoản.")),
        Step("phan-cong", _l("Phân công Hội đồng"), (
            _l("Trên bảng “Thẩm định”, “Phân công thành viên Hội đồng theo lĩnh vực” mở lưới thành viên × "
               "lĩnh vực. Từng đơn vị có thể giao một lĩnh vực cho thành viên khác; thành viên không bao "
               "giờ thẩm định cơ quan của mình."),
        ), "admin-assignments", _l("Phân công thành viên Hội đồng theo lĩnh vực.")),
        Step("giai-doan", _l("Giai đoạn và thời hạn"), (
            _l("“Năm đánh giá”: các giai đoạn theo thứ tự chuẩn bị → tự đánh giá → thẩm định vòng 1 → giải "
               "trình → thẩm định vòng 2 → tổng hợp → phê duyệt → công bố. Mỗi giai đoạn làm việc có thời "
               "điểm mở và đóng (dd/mm/yyyy HH:MM, giờ Việt Nam). Chuyển giai đoạn bằng nút trên trang; "
               "lùi giai đoạn phải ghi lý do."),
            _l("Từng đơn vị có thể được gia hạn hoặc mở lại hồ sơ đã chốt, kèm lý do đơn vị được xem."),
        ), "admin-year", _l("Trang năm đánh giá: giai đoạn và thời hạn.")),
        Step("tien-do", _l("Theo dõi tiến độ"), (
            _l("“Tiến độ”: mỗi đơn vị với số mục đã chấm, số mục thiếu tài liệu, thời điểm chốt và liên kết "
               "đến hồ sơ; lọc theo loại đơn vị và trạng thái, 100 dòng mỗi trang. “Nhắc nhở” gửi thông "
               "báo cho các đơn vị chưa chốt; bảng xuất được ra Excel."),
        ), "admin-progress", _l("Bảng tiến độ tự đánh giá.")),
        Step("dieu-tra", _l("Điểm điều tra xã hội học"), (
            _l("“Kết quả → Điểm điều tra XHH”: tải mẫu, điền mỗi dòng một đơn vị và một mục (hoặc một mã "
               "lĩnh vực như F8), tải lên, đọc bản xem trước (tệp có lỗi không làm thay đổi gì) rồi xác "
               "nhận. Điểm cũng nhập được từng ô."),
        ), "admin-survey", _l("Nhập điểm điều tra xã hội học.")),
        Step("tinh-ket-qua", _l("Tính kết quả"), (
            _l("“Kết quả”: bấm “Tính kết quả” để có chỉ số, chỉ số thành phần, xếp loại và xếp hạng của từng "
               "loại đơn vị; tính lại bao nhiêu lần cũng được. Khi điểm thay đổi sau lần tính, trang báo "
               "bảng chưa cập nhật."),
        ), "admin-results", _l("Bảng xếp hạng đã tính.")),
        Step("phe-duyet", _l("Phê duyệt và công bố"), (
            _l("Khi kết quả đã tính xong, chuyển năm sang giai đoạn Phê duyệt trên trang “Năm đánh giá”. Sau "
               "đó ghi số và ngày quyết định phê duyệt rồi bấm “Ghi nhận phê duyệt”: Cổng giữ bản chụp kết "
               "quả khớp với điểm hiện tại (kết quả đã cũ bị từ chối, cần tính lại). Bấm “Công bố kết quả” "
               "để mở trang công khai và trang kết quả của từng đơn vị."),
        ), "admin-approve", _l("Quyết định phê duyệt đã ghi nhận và công bố của năm 2022.")),
        Step("bao-cao", _l("Báo cáo"), (
            _l("“Báo cáo”: báo cáo tổng hợp, phụ lục xếp hạng, biên bản Hội đồng, báo cáo tự đánh giá và kết "
               "quả thẩm định của từng đơn vị (PDF theo Nghị định 30/2020/NĐ-CP), bảng điểm và xếp hạng "
               "(Excel). “Xuất tất cả đơn vị” tạo tệp ZIP. Thiết lập văn bản và người ký của từng đơn vị ở "
               "cùng trang."),
        ), "admin-reports", _l("Trang báo cáo.")),
        Step("dinh-chinh", _l("Đính chính kết quả đã công bố"), (
            _l("Kết quả đã công bố là cuối cùng. Nếu phát hiện sai sót: ghi nhận quyết định đính chính (số, "
               "ngày, lý do) và chọn các đơn vị liên quan; sửa điểm điều tra của các đơn vị đó, bấm “Tính "
               "lại kết quả các đơn vị đính chính”, rồi “Phê duyệt và công bố đính chính”. Kết quả cũ vẫn "
               "được lưu và xem được."),
        ), "admin-correction", _l("Đính chính kết quả năm 2022.")),
        Step("cong-khai", _l("Trang công khai"), (
            _l("Trang “Công bố kết quả” (/cong-bo) mở cho mọi người, không cần đăng nhập: bảng xếp hạng, xếp "
               "loại, biểu đồ và trang của từng đơn vị, đúng theo quyết định đã phê duyệt."),
        ), "public-year", _l("Trang công khai kết quả năm 2022.")),
    ),
)

ROLES = (UNIT_STAFF, UNIT_LEADER, COUNCIL_MEMBER, COUNCIL_CHAIR, ADMIN)
BY_SLUG = {guide.slug: guide for guide in ROLES}
BY_ROLE = {guide.role: guide for guide in ROLES}

# The phases of a year and who acts in each (the guide's overview).
YEAR = (
    (_l("Chuẩn bị"), _l("Sở Nội vụ mở năm, chuẩn bị loại đơn vị, đơn vị tham gia, bộ tiêu chí, tài khoản, "
                        "Hội đồng và thời hạn.")),
    (_l("Tự đánh giá"), _l("Đơn vị tự chấm điểm, đưa tài liệu kiểm chứng lên; lãnh đạo đơn vị chốt.")),
    (_l("Thẩm định vòng 1"), _l("Thành viên Hội đồng quyết định từng mục của các lĩnh vực được phân công; "
                                "Chủ tịch kết thúc vòng 1 từng đơn vị.")),
    (_l("Giải trình"), _l("Đơn vị giải trình các mục Hội đồng chấm khác; lãnh đạo đơn vị chốt giải trình.")),
    (_l("Thẩm định vòng 2"), _l("Hội đồng xem lại các mục đã giải trình; Chủ tịch hoàn tất từng đơn vị.")),
    (_l("Tổng hợp, phê duyệt, công bố"), _l("Sở Nội vụ nhập điểm điều tra xã hội học, tính kết quả, trình "
                                            "phê duyệt và công bố; in báo cáo.")),
)

# Where the header's help link lands, per role: the step that explains the page being shown.
HELP_AT = {
    "unit_staff": {
        "home.index": "trang-chu",
        "evidence.library": "tai-lieu",
        "assessments.workspace": "tu-cham",
        "assessments.submit": "bao-lanh-dao",
        "assessments.explain": "giai-trinh",
        "results.mine": "ket-qua",
    },
    "unit_leader": {
        "assessments.workspace": "kiem-tra",
        "reports.unit_signer": "nguoi-ky",
        "assessments.submit": "chot-diem",
        "assessments.explain": "chot-giai-trinh",
        "results.mine": "ket-qua",
    },
    "council_member": {
        "appraisal.council_board": "bang-theo-doi",
        "appraisal.field_page": "quyet-dinh",
        "comments.thread": "y-kien",
    },
    "council_chair": {
        "appraisal.council_board": "bang-hoi-dong",
        "results.overview": "ket-qua",
        "results.heatmap": "ket-qua",
        "reports.year_page": "bao-cao",
        "reports.index": "bao-cao",
    },
    "admin": {
        "setup.open_new_year": "mo-nam",
        "setup.unit_types": "loai-don-vi",
        "setup.roster": "don-vi-tham-gia",
        "setup.lineage": "don-vi-tham-gia",
        "criteria.index": "bo-tieu-chi",
        "criteria.editor": "bo-tieu-chi",
        "units.list_units": "tai-khoan",
        "users.list_users": "tai-khoan",
        "appraisal.assignments": "phan-cong",
        "years.year_page": "giai-doan",
        "years.year_detail": "giai-doan",
        "years.progress": "tien-do",
        "years.year_progress": "tien-do",
        "results.survey": "dieu-tra",
        "results.overview": "tinh-ket-qua",
        "reports.index": "bao-cao",
        "reports.year_page": "bao-cao",
    },
}


def shots() -> set[str]:
    """Every screenshot name the guide shows."""
    return {step.shot for guide in ROLES for step in guide.steps if step.shot}

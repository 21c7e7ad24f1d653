"""Tasks of the annex to Notice 20-TB/CQTTBCĐ (16/3/2026), curated by hand from seed 001.

The annex is prose, not a table: one paragraph can hold several tasks ("(1) … (2) …") and a
deadline sentence often closes a whole paragraph. Parsing that automatically would guess,
so the tasks are listed here, one dict per concrete task, quoting the document.

Curation rules (each exception is also stated in the task's ``note``):

* ``lead`` is the agency as written. Where the text names a person or a Party committee
  rather than a reporting body (the Prime Minister, "Đảng ủy Quốc hội" …), the body that
  reports for it is used instead (Văn phòng Chính phủ, Văn phòng Quốc hội …).
* ``deadline`` is the deadline phrase as written. Tasks whose text gives no deadline are
  continuing tasks and carry "Thường xuyên"; periodic ones carry their period
  ("Hằng tháng", "Hằng năm"; "hằng quý" is written "Thường xuyên" because the deadline
  parser does not know it).
* Point 2.a (the Party committees at central level) is left out: it assigns no body that
  reports to the Standing Office.
"""

from __future__ import annotations

_PM_NOTE = (
    "Văn bản giao đồng chí Thủ tướng Chính phủ, Phó Trưởng Ban Chỉ đạo; "
    "Văn phòng Chính phủ theo dõi, báo cáo."
)
_NO_DEADLINE = "Văn bản không ghi thời hạn; theo dõi như nhiệm vụ thường xuyên."

ANNEX_001_TASKS: list[dict[str, str]] = [
    # 1. Kiện toàn Ban Chỉ đạo và cơ quan giúp việc
    {
        "ref": "1.(1)",
        "group": "Kiện toàn Ban Chỉ đạo và cơ quan giúp việc",
        "name": "Tham mưu cấp có thẩm quyền kiện toàn, bổ sung và phân công lại thành viên "
        "Ban Chỉ đạo, bảo đảm cơ cấu hợp lý, phân định rõ trách nhiệm, tăng cường hiệu quả "
        "phối hợp liên ngành.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "",
        "product": "Quyết định kiện toàn Ban Chỉ đạo",
        "deadline": "Hoàn thành trong tháng 4/2026",
        "note": "Văn phòng Trung ương Đảng - Cơ quan Thường trực Ban Chỉ đạo.",
    },
    {
        "ref": "1.(2)",
        "group": "Kiện toàn Ban Chỉ đạo và cơ quan giúp việc",
        "name": "Kiện toàn Tổ giúp việc Ban Chỉ đạo, phân định rõ chức năng, nhiệm vụ, nhằm hỗ "
        "trợ hiệu quả cho công tác tham mưu, điều phối và hoạt động chỉ đạo, điều hành của "
        "Ban Chỉ đạo.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "",
        "product": "Quyết định kiện toàn Tổ giúp việc",
        "deadline": "Hoàn thành trong tháng 4/2026",
        "note": "Văn phòng Trung ương Đảng - Cơ quan Thường trực Ban Chỉ đạo.",
    },
    {
        "ref": "1.(3)",
        "group": "Kiện toàn Ban Chỉ đạo và cơ quan giúp việc",
        "name": "Kiện toàn Hội đồng Tư vấn quốc gia để hoạt động hiệu quả, phát huy vai trò, "
        "trí tuệ của các thành viên trong tư vấn, đề xuất những chủ trương, chính sách, giải "
        "pháp đột phá chiến lược.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "",
        "product": "Quyết định kiện toàn Hội đồng Tư vấn quốc gia",
        "deadline": "Hoàn thành trong tháng 4/2026",
        "note": "Văn phòng Trung ương Đảng - Cơ quan Thường trực Ban Chỉ đạo.",
    },
    # 2. Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức
    {
        "ref": "2.b",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Chỉ đạo, định hướng các cơ quan báo chí, truyền thông tiếp tục đẩy mạnh công "
        "tác tuyên truyền, nâng cao nhận thức thực hiện Nghị quyết số 57-NQ/TW; kịp thời biểu "
        "dương những điển hình tiên tiến, cách làm hay, sáng tạo để nhân rộng.",
        "lead": "Ban Tuyên giáo và Dân vận Trung ương",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": _NO_DEADLINE,
    },
    {
        "ref": "2.c-1",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Tiếp tục chỉ đạo quyết liệt các bộ, ngành, địa phương trong triển khai thực "
        "hiện các nhiệm vụ được giao; quán triệt người đứng đầu các bộ, ngành, địa phương chịu "
        "trách nhiệm về tiến độ và chất lượng.",
        "lead": "Văn phòng Chính phủ",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": f"{_PM_NOTE} {_NO_DEADLINE}",
    },
    {
        "ref": "2.c-2",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Thành lập các tổ công tác chuyên trách để giải quyết từng nhóm vấn đề trọng "
        "tâm về dữ liệu, nền tảng dùng chung, hạ tầng, trang thiết bị, nguồn nhân lực và cơ "
        "chế tài chính, bảo đảm hiệu quả, khả thi.",
        "lead": "Văn phòng Chính phủ",
        "coord": "",
        "product": "Quyết định thành lập các tổ công tác",
        "deadline": "Thường xuyên",
        "note": f"{_PM_NOTE} {_NO_DEADLINE}",
    },
    {
        "ref": "2.c-3",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Rà soát Danh mục công nghệ chiến lược và sản phẩm công nghệ chiến lược để đáp "
        "ứng định hướng tăng trưởng đột phá, làm chủ công nghệ lõi, hướng đến thương mại hoá.",
        "lead": "Bộ Khoa học và Công nghệ, Bộ Công Thương",
        "coord": "",
        "product": "Danh mục công nghệ chiến lược được rà soát",
        "deadline": "Thường xuyên",
        "note": "Thủ tướng Chính phủ chỉ đạo Bộ Khoa học và Công nghệ, Bộ Công Thương và các "
        f"cơ quan liên quan. {_NO_DEADLINE}",
    },
    {
        "ref": "2.c-4",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Chỉ đạo rà soát, điều chỉnh chức năng, nhiệm vụ của các bộ, ngành liên quan "
        "đến quản lý, ứng dụng khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số, tuân "
        "thủ nguyên tắc một việc do một cơ quan chịu trách nhiệm chính đến cùng.",
        "lead": "Văn phòng Chính phủ",
        "coord": "Bộ Khoa học và Công nghệ; Bộ Công Thương; Bộ Công an",
        "product": "",
        "deadline": "Hoàn thành trong quý II/2026",
        "note": _PM_NOTE,
    },
    {
        "ref": "2.c-5",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Trên cơ sở đánh giá của Ủy ban nhân dân thành phố Hà Nội về 25 dịch vụ công "
        "trực tuyến có lưu lượng sử dụng nhiều nhất, chỉ đạo các bộ ngành có liên quan rà "
        "soát, sửa đổi, bổ sung ngay các quy định pháp luật, văn bản hướng dẫn để triển khai "
        "toàn quốc.",
        "lead": "Văn phòng Chính phủ",
        "coord": "Thành phố Hà Nội",
        "product": "",
        "deadline": "Thường xuyên",
        "note": f"{_PM_NOTE} {_NO_DEADLINE}",
    },
    {
        "ref": "2.d-1",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Tập trung triển khai ngay các nhiệm vụ, giải pháp đã được giao tại Thông báo "
        "số 17-TB/CQTTBCĐ, ngày 29/12/2025 và Chương trình công tác năm 2026 của Ban Chỉ đạo, "
        "nhất là các nhiệm vụ trong quý I/2026.",
        "lead": "Các bộ, ngành, địa phương",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": "Văn bản giao các cơ quan Trung ương và địa phương. " + _NO_DEADLINE,
    },
    {
        "ref": "2.d-2",
        "group": "Chỉ đạo, điều hành và tuyên truyền nâng cao nhận thức",
        "name": "Rà soát, chuẩn hoá các nội dung trong kế hoạch của cơ quan, địa phương mình: "
        "rõ mục tiêu, nhiệm vụ, sản phẩm cụ thể, đo lường được bằng các chỉ số, gắn với thời "
        "hạn hoàn thành, nguồn lực tài chính và trách nhiệm của người đứng đầu.",
        "lead": "Các bộ, ngành, địa phương",
        "coord": "",
        "product": "Kế hoạch được rà soát, chuẩn hoá",
        "deadline": "Hoàn thành chậm nhất trong tháng 3/2026",
        "note": "Văn bản giao các cơ quan Trung ương và địa phương.",
    },
    # 3. Một số nhiệm vụ thúc đẩy phát triển KHCN, ĐMST và CĐS
    {
        "ref": "3.a(1)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Khẩn trương rà soát điều chỉnh/hoàn thiện việc đăng ký kinh phí bảo đảm thực "
        "hiện các nhiệm vụ được giao tại Chương trình công tác 2026 của Ban Chỉ đạo.",
        "lead": "Các bộ, ngành, địa phương",
        "coord": "",
        "product": "Đăng ký kinh phí được hoàn thiện",
        "deadline": "Hoàn thành trong tháng 3/2026",
        "note": "Văn bản giao các cơ quan Trung ương và địa phương theo nhiệm vụ được giao.",
    },
    {
        "ref": "3.a(2)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Thực hiện nghiêm các nhiệm vụ được giao tại Công văn số 693-CV/VPTW, ngày "
        "02/3/2026.",
        "lead": "Các bộ, ngành, địa phương",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": "Văn bản giao các cơ quan Trung ương và địa phương. " + _NO_DEADLINE,
    },
    {
        "ref": "3.b(1)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Triển khai thực hiện hiệu quả, thực chất các nhiệm vụ quy định tại Nghị quyết "
        "số 66.7/2025/NQ-CP; khẩn trương hoàn thành việc công bố, tái cấu trúc quy trình giải "
        "quyết TTHC.",
        "lead": "Các bộ, cơ quan ngang bộ",
        "coord": "Bộ Tư pháp, Bộ Công an",
        "product": "Quy trình giải quyết TTHC được công bố, tái cấu trúc",
        "deadline": "Hoàn thành trong tháng 3/2026",
        "note": "",
    },
    {
        "ref": "3.b(2)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Đẩy nhanh việc ban hành hoặc trình cấp có thẩm quyền ban hành văn bản quy phạm "
        "pháp luật để cắt giảm, đơn giản hoá thủ tục hành chính dựa trên dữ liệu theo danh mục "
        "tại Phụ lục kèm theo Nghị quyết số 66.7/2025/NQ-CP.",
        "lead": "Các bộ, cơ quan ngang bộ",
        "coord": "",
        "product": "Văn bản quy phạm pháp luật được ban hành",
        "deadline": "Trước ngày 01/3/2027",
        "note": "Văn bản ghi: bảo đảm có hiệu lực chậm nhất từ ngày 01/3/2027.",
    },
    {
        "ref": "3.c-1",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Nghiên cứu, lựa chọn thể chế, chính sách của các nước tiên tiến để chọn lọc, "
        "tiếp thu phù hợp, triển khai thí điểm tại 3 địa phương (Hà Nội, Đà Nẵng, Thành phố Hồ "
        "Chí Minh).",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "Bộ Tư pháp, Thành phố Hà Nội, Thành phố Đà Nẵng, Thành phố Hồ Chí Minh",
        "product": "Cơ chế thí điểm tại 3 địa phương",
        "deadline": "Quý II/2026",
        "note": "Văn bản ghi: triển khai thí điểm trong quý II/2026 tại 3 địa phương.",
    },
    {
        "ref": "3.c-2",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Xây dựng quy định của Chính phủ về tỉ lệ nội địa hoá trong sản phẩm công nghệ "
        "cao, công nghệ chiến lược theo quy định tại Luật Công nghệ cao năm 2025.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "",
        "product": "Nghị định của Chính phủ",
        "deadline": "Hoàn thành theo lộ trình",
        "note": "Văn bản ghi: bảo đảm có hiệu lực cùng thời điểm thi hành của Luật.",
    },
    {
        "ref": "3.c-3",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Hướng dẫn hỗ trợ các địa phương triển khai áp dụng Khung kiến trúc công nghệ "
        "thông tin và truyền thông (ICT) phát triển đô thị thông minh.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "",
        "product": "Văn bản hướng dẫn",
        "deadline": "Thường xuyên",
        "note": _NO_DEADLINE,
    },
    {
        "ref": "3.c-4",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Khẩn trương ban hành theo thẩm quyền Thông tư ban hành điều lệ mẫu về tổ chức "
        "và hoạt động của Quỹ phát triển khoa học công nghệ và đổi mới sáng tạo của bộ, ngành, "
        "địa phương.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "",
        "product": "Thông tư ban hành điều lệ mẫu",
        "deadline": "Hoàn thành trong tháng 5/2026",
        "note": 'Văn bản ghi "khẩn trương"; thời hạn theo đoạn văn (tháng 5/2026).',
    },
    {
        "ref": "3.c-5",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Nghiên cứu, rà soát, tham mưu cấp có thẩm quyền ban hành văn bản quy phạm pháp "
        "luật quy định về thủ tục hành chính trong việc đăng ký, xét chọn, công nhận các sáng "
        "kiến và sáng kiến đột phá về khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "",
        "product": "Văn bản quy phạm pháp luật",
        "deadline": "Hoàn thành trong tháng 5/2026",
        "note": "",
    },
    {
        "ref": "3.c-6",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Ban hành hướng dẫn về tiêu chí và quy trình xác định hợp phần khoa học công "
        "nghệ, đổi mới sáng tạo và chuyển đổi số trong các nhiệm vụ, chương trình, dự án đầu "
        "tư công về kinh tế - xã hội theo Nghị định số 231/2025/NĐ-CP.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "Bộ Tài chính, Bộ Công Thương, Bộ Xây dựng",
        "product": "Văn bản hướng dẫn",
        "deadline": "Hoàn thành trong tháng 4/2026",
        "note": "",
    },
    {
        "ref": "3.d-1",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Khẩn trương ban hành kế hoạch và triển khai thực hiện các nền tảng số theo "
        "nhiệm vụ được giao tại Quyết định số 2618/QĐ-BKHCN, ngày 11/9/2025.",
        "lead": "Các bộ, ngành",
        "coord": "",
        "product": "Kế hoạch triển khai nền tảng số",
        "deadline": "Hoàn thành trong tháng 3/2026",
        "note": "Văn bản giao các bộ, cơ quan chủ quản các nền tảng số; văn bản ghi: hoàn thành "
        "việc ban hành kế hoạch trong tháng 3/2026.",
    },
    {
        "ref": "3.d-2",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Theo dõi, đánh giá, đôn đốc tiến độ triển khai các nền tảng số theo Quyết định "
        "số 2618/QĐ-BKHCN; báo cáo Thường trực Ban Chỉ đạo kết quả thực hiện.",
        "lead": "Bộ Khoa học và Công nghệ",
        "coord": "",
        "product": "Báo cáo định kỳ",
        "deadline": "Hằng tháng",
        "note": "Văn bản ghi: định kỳ hằng tháng báo cáo Thường trực Ban Chỉ đạo.",
    },
    {
        "ref": "3.đ(1)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Rà soát, đánh giá cụ thể nhu cầu về bảo mật, triển khai hiệu quả Mạng mật liên "
        "thông các cơ quan trong hệ thống chính trị bảo đảm tránh lãng phí và an toàn, bảo mật "
        "thông tin.",
        "lead": "Văn phòng Quốc hội, Văn phòng Chính phủ, Ủy ban Trung ương Mặt trận Tổ quốc "
        "Việt Nam",
        "coord": "",
        "product": "Báo cáo đánh giá nhu cầu bảo mật",
        "deadline": "Trước ngày 01/5/2026",
        "note": "Văn bản đề nghị Đảng ủy Quốc hội, Đảng ủy Chính phủ, Đảng ủy Mặt trận Tổ quốc, "
        "các đoàn thể Trung ương; cơ quan báo cáo là văn phòng tương ứng.",
    },
    {
        "ref": "3.đ(2)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Chỉ đạo ban hành quy chế quản lý, vận hành và khai thác sử dụng Mạng mật liên "
        "thông các cơ quan trong hệ thống chính trị trong khối cơ quan mình.",
        "lead": "Văn phòng Quốc hội, Văn phòng Chính phủ, Ủy ban Trung ương Mặt trận Tổ quốc "
        "Việt Nam",
        "coord": "",
        "product": "Quy chế được ban hành",
        "deadline": "Hoàn thành trước ngày 01/5/2026",
        "note": "Văn bản đề nghị Đảng ủy Quốc hội, Đảng ủy Chính phủ, Đảng ủy Mặt trận Tổ quốc, "
        "các đoàn thể Trung ương; cơ quan báo cáo là văn phòng tương ứng.",
    },
    {
        "ref": "3.e",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Chỉ đạo Ban Cơ yếu Chính phủ chủ trì, phối hợp với các cơ quan liên quan đưa "
        "vào vận hành chính thức Mạng mật liên thông các cơ quan trong hệ thống chính trị.",
        "lead": "Bộ Quốc phòng",
        "coord": "",
        "product": "Mạng mật liên thông vận hành chính thức",
        "deadline": "Trước ngày 01/5/2026",
        "note": "Văn bản ghi: đưa vào vận hành chính thức từ ngày 01/5/2026; Ban Cơ yếu Chính "
        "phủ (thuộc Bộ Quốc phòng) không phải cơ quan báo cáo.",
    },
    {
        "ref": "3.g-1",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Nghiên cứu cơ chế và triển khai kết nối, chia sẻ dữ liệu về các chuyên gia, tri "
        "thức, nhà khoa học người Việt ở nước ngoài để tận dụng hiệu quả nguồn nhân lực cho "
        "phát triển khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số.",
        "lead": "Bộ Ngoại giao",
        "coord": "Bộ Khoa học và Công nghệ",
        "product": "",
        "deadline": "Thường xuyên",
        "note": _NO_DEADLINE,
    },
    {
        "ref": "3.g-2",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Xây dựng chương trình làm việc, nội dung nghiên cứu, chia sẻ kinh nghiệm về hợp "
        "tác quốc tế trong khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số trong các đoàn "
        "công tác của lãnh đạo Đảng, Nhà nước.",
        "lead": "Bộ Ngoại giao",
        "coord": "Bộ Khoa học và Công nghệ, Văn phòng Trung ương Đảng",
        "product": "Chương trình làm việc",
        "deadline": "Hằng năm",
        "note": "Văn bản ghi: năm 2026 và hằng năm; phối hợp Cơ quan Thường trực Ban Chỉ đạo "
        "(Văn phòng Trung ương Đảng).",
    },
    {
        "ref": "3.h",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Triển khai các giải pháp bảo đảm an ninh năng lượng điện phục vụ phát triển "
        "khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số.",
        "lead": "Bộ Công Thương",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": _NO_DEADLINE,
    },
    {
        "ref": "3.i",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Tổ chức triển khai có hiệu quả việc truy xuất nguồn gốc nông, lâm, thủy sản; "
        "định kỳ hằng tháng báo cáo Thường trực Ban Chỉ đạo.",
        "lead": "Bộ Nông nghiệp và Môi trường",
        "coord": "Bộ Công an, Bộ Y tế, Bộ Tài chính, Bộ Công Thương, Bộ Khoa học và Công nghệ",
        "product": "Báo cáo định kỳ",
        "deadline": "Hằng tháng",
        "note": "",
    },
    {
        "ref": "3.k",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Nâng cao năng lực và hiệu quả liên kết giữa các cơ sở đào tạo với các viện "
        "nghiên cứu, trường đại học và doanh nghiệp; chuẩn bị chiến lược nguồn nhân lực phục "
        "vụ khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số; phối hợp chuẩn hoá nội "
        "dung kỹ năng số phổ cập cho người dân.",
        "lead": "Bộ Giáo dục và Đào tạo",
        "coord": "",
        "product": "",
        "deadline": "Thường xuyên",
        "note": _NO_DEADLINE,
    },
    {
        "ref": "3.l(1)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Tổ chức thực hiện việc đánh giá độc lập chất lượng hạ tầng nền tảng, dữ liệu, "
        "chất lượng cung cấp dịch vụ công của các bộ, ngành, địa phương; định kỳ hằng quý công "
        "bố, công khai trên Cổng Thông tin điện tử Đảng Cộng sản Việt Nam.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "",
        "product": "Kết quả đánh giá độc lập hằng quý",
        "deadline": "Thường xuyên",
        "note": "Văn phòng Trung ương Đảng - Cơ quan Thường trực Ban Chỉ đạo. Văn bản ghi: định "
        'kỳ hằng quý công bố (parse_deadline chưa đọc được "Hằng quý").',
    },
    {
        "ref": "3.l(2)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Ban hành Hướng dẫn thực hiện Kế hoạch số 01-KH/BCĐTW, ngày 02/6/2025 của Ban "
        "Chỉ đạo.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "",
        "product": "Văn bản hướng dẫn",
        "deadline": "Hoàn thành trong tháng 6/2026",
        "note": "Văn phòng Trung ương Đảng - Cơ quan Thường trực Ban Chỉ đạo.",
    },
    {
        "ref": "3.l(3)",
        "group": "Một số nhiệm vụ thúc đẩy phát triển khoa học công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số",
        "name": "Nghiên cứu những mô hình hay, cách làm đúng về khoa học công nghệ, đổi mới sáng "
        "tạo và chuyển đổi số của các bộ, ngành, địa phương, điển hình như Thành phố Hà Nội, "
        "báo cáo Thường trực Ban Chỉ đạo xem xét nhân rộng toàn quốc.",
        "lead": "Văn phòng Trung ương Đảng",
        "coord": "Bộ Khoa học và Công nghệ, Bộ Công an, Bộ Tư pháp, Bộ Tài chính",
        "product": "Báo cáo đề xuất nhân rộng",
        "deadline": "Nhiệm vụ thường xuyên",
        "note": "",
    },
]

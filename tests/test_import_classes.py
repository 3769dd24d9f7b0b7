"""Numbered-paragraph plans as secretariats really have them (issue 13, classes 1–3, 6, 7, 9–11):
each plan is written here and read into a register stated whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.domain.plan import NoteKind, ParsedPlan, Role
from bot.importers import read_plan, read_plan_bytes
from tests.test_import_real import notes_of, register


def read(text: str, tmp_path: Path, name: str = "plan.txt") -> ParsedPlan:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_plan(path)


TRADITIONAL = """\
XX縣教育事業發展重點任務分工方案
一、總體要求
堅持一月一調度、一季度一總結。
二、重點任務
(一)完善辦學條件
1.推進課後服務。全面開展課後服務,覆蓋所有義務教育學校。(牽頭單位:縣教育局;配合單位:縣財政局、縣人社局)
2.加強師資(qū)建設。補充教師200名。(牽頭單位:县教育局;配合單位:縣財政局、各鄉鎮黨委、政府;完成時限:2025年底)
(二)促進均衡發(fā)展
3.推進城區學校擴容。新建小學2所。
牽頭單位:縣教育局
責任單位:縣發改局、縣自然資源局,各鄉鎮
牽頭負責領導:王小明
"""


def test_traditional_script_with_pinyin_inserted_by_a_mirror_site(tmp_path: Path) -> None:
    plan = read(TRADITIONAL, tmp_path)
    first = "二、重點任務 / (一)完善辦學條件"
    assert register(plan) == [
        {
            "number": "1",
            "title": "推進課後服務",
            "lead": ["縣教育局"],
            "cooperating": ["縣財政局", "縣人社局"],
            "section": first,
        },
        {
            "number": "2",
            "title": "加強師資建設",  # 資(qū): the reading is gone
            "lead": ["縣教育局"],  # written 县教育局 here: the same unit in the other script
            "cooperating": ["縣財政局", "各鄉鎮黨委、政府"],
            "section": first,
            "deadline": date(2025, 12, 31),
        },
        {
            "number": "3",
            "title": "推進城區學校擴容",
            "lead": ["縣教育局"],
            "responsible": ["縣發改局", "縣自然資源局", "各鄉鎮"],
            "section": "二、重點任務 / (二)促進均衡發展",  # 發(fā)展 without its reading
            "leader": "王小明",
        },
    ]
    assert plan.tasks[0].requirements == ["全面開展課後服務,覆蓋所有義務教育學校。"]
    assert plan.meta.title == "XX縣教育事業發展重點任務分工方案"
    assert plan.unit_names() == [
        "縣教育局",
        "縣財政局",
        "縣人社局",
        "各鄉鎮黨委、政府",
        "縣發改局",
        "縣自然資源局",
        "各鄉鎮",
    ]
    assert plan.warnings == []


def test_the_same_plan_in_simplified_reads_the_same_register() -> None:
    import opencc  # noqa: PLC0415

    converter = opencc.OpenCC("t2s")

    def simple(value: object) -> object:
        if isinstance(value, str):
            return converter.convert(value)
        if isinstance(value, list):
            return [converter.convert(v) for v in value]
        return value

    traditional = read_plan_bytes(TRADITIONAL.encode(), name="t.txt")
    simplified = read_plan_bytes(converter.convert(TRADITIONAL).encode(), name="s.txt")
    assert register(simplified) == [
        {k: simple(v) for k, v in row.items()} for row in register(traditional)
    ]


LABELS = """\
XX区城区学校建设重点任务分工方案
（除注明“分别牵头”外，列第一位的为牵头单位）
一、扩大学位供给
（一）新建改扩建学校
1.推进城区学校扩容。新建小学2所……
牵头责任单位:区教育局
协同责任单位:区发改局、区自然资源局,各街道
牵头负责领导:李华
时间节点:2025年6月
2.加快项目审批。压缩审批时限。
(1)优化审批流程。推行并联审批。(区行政审批局、区住建局牵头,区直各部门按职责分工负责;时限要求:2024年底)
(2)落实用地保障。(区农业农村局分别牵头,相关乡镇、属地政府配合)
(二)提升办学质量
3.加强师资配备。（区教育局，区财政局，区人社局）
4.开展教师培训。（主要责任单位：区教育局；配合责任单位：各有关单位；责任领导：张三、李四；完成时限：2024年12月）
5.建设社区食堂。(牵头单位:区民政局;协同配合单位:区市场监管局;分管县领导:赵六)
二、保障措施
各单位要高度重视。
"""


def test_units_on_their_own_lines_label_variants_levels_and_conventions(tmp_path: Path) -> None:
    plan = read(LABELS, tmp_path)
    one = "一、扩大学位供给 / （一）新建改扩建学校"
    two = "一、扩大学位供给 / (二)提升办学质量"
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进城区学校扩容",
            "lead": ["区教育局"],  # 牵头责任单位
            "cooperating": ["区发改局", "区自然资源局", "各街道"],  # 协同责任单位, every line read
            "section": one,
            "leader": "李华",  # 牵头负责领导: a person, never a unit
            "deadline": date(2025, 6, 30),  # 时间节点
        },
        {  # (1) under 2.: the level that carries units is the task, 2. is its section
            "number": "2.1",
            "title": "优化审批流程",
            "lead": ["区行政审批局", "区住建局"],
            "responsible": ["区直各部门"],  # a collective: no 区 prefix added, never split
            "section": f"{one} / 2.加快项目审批",
            "deadline": date(2024, 12, 31),  # 时限要求
        },
        {
            "number": "2.2",
            "title": "落实用地保障",
            "lead": ["区农业农村局"],  # 分别牵头: a mark, the name stays clean
            "cooperating": ["相关乡镇", "属地政府"],  # never 区相关乡镇
            "section": f"{one} / 2.加快项目审批",
        },
        {
            "number": "3",
            "title": "加强师资配备",
            "lead": ["区教育局"],  # listed first, as the plan's note says
            "responsible": ["区财政局", "区人社局"],
            "section": two,
        },
        {
            "number": "4",
            "title": "开展教师培训",
            "lead": ["区教育局"],  # 主要责任单位, listed first
            "cooperating": ["各有关单位"],  # 配合责任单位
            "section": two,
            "leader": "张三、李四",  # 责任领导
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "5",
            "title": "建设社区食堂",
            "lead": ["区民政局"],
            "cooperating": ["区市场监管局"],  # 协同配合单位
            "section": two,
            "leader": "赵六",  # 分管县领导
        },
    ]
    assert plan.tasks[2].assignments[0].separately
    assert not plan.tasks[1].assignments[0].separately
    assert notes_of(plan) == [
        ("1", NoteKind.COLLECTIVE),
        ("2.1", NoteKind.COLLECTIVE),
        ("2.2", NoteKind.SEPARATELY),
        ("2.2", NoteKind.COLLECTIVE),
        ("2.2", NoteKind.COLLECTIVE),
        ("3", NoteKind.CONVENTION),
        ("4", NoteKind.CONVENTION),
        ("4", NoteKind.COLLECTIVE),
    ]
    assert [(w.msgid, w.params) for w in plan.warnings] == [
        (
            "As the plan says (“{quote}”), the unit listed first was read as the lead "
            "unit of tasks {numbers}.",
            {"quote": "列第一位的为牵头单位", "numbers": "3、4"},
        )
    ]


UNLABELLED = """\
XX县2024年营商环境重点任务清单
1.优化政务服务。推行一网通办。(县发改委,县财政局,县住建局,排名第一位的为牵头单位,下同)
2.深化放管服改革。(县行政审批服务局牵头,县直相关单位和各乡镇(街道)按职责分工负责)
3.推进数字政府建设。〔责任单位:县大数据局、县财政局、县委网信办按职责分工负责。〕
4.加强督查考核。(牵头单位:市;配合单位:县财政局、各县(市、区)人民政府)
5.强化作风建设。(责任科室:组干科、机关党委)
6.推进项目建设。(牵头单位:县发改局;责任单位:县住建局、县自然资源局,6月底完成)
7.保障资金投入。(县财政局、县税务局)
(二十四)其他事项
8.完善考核办法。(县委组织部、县委编办、人社局)
9.推进招商引资。(县商务局牵头,县农业农村局分别牵头)
"""


def test_unlabelled_lists_conventions_carried_on_and_wrong_splits(tmp_path: Path) -> None:
    plan = read(UNLABELLED, tmp_path)
    assert register(plan) == [
        {  # the convention is stated with the first task's units, and 下同 carries it on
            "number": "1",
            "title": "优化政务服务",
            "lead": ["县发改委"],
            "responsible": ["县财政局", "县住建局"],
        },
        {  # nested brackets and 和 between two collectives
            "number": "2",
            "title": "深化放管服改革",
            "lead": ["县行政审批服务局"],
            "responsible": ["县直相关单位", "各乡镇(街道)"],
        },
        {  # lenticular brackets; a verb after the list
            "number": "3",
            "title": "推进数字政府建设",
            "lead": ["县大数据局"],
            "responsible": ["县财政局", "县委网信办"],
        },
        {  # 市 alone is no unit; 各县(市、区)人民政府 is one collective; no responsible unit
            "number": "4",
            "title": "加强督查考核",
            "cooperating": ["县财政局", "各县(市、区)人民政府"],
        },
        {"number": "5", "title": "强化作风建设", "lead": ["组干科"], "responsible": ["机关党委"]},
        {  # the deadline inside the unit bracket, the plan's year supplied
            "number": "6",
            "title": "推进项目建设",
            "lead": ["县发改局"],
            "responsible": ["县住建局", "县自然资源局"],
            "deadline": date(2024, 6, 30),
        },
        {"number": "7", "title": "保障资金投入", "lead": ["县财政局"], "responsible": ["县税务局"]},
        {  # a Chinese ordinal above ten is a section; 县委编办、人社局 is 县人社局
            "number": "8",
            "title": "完善考核办法",
            "lead": ["县委组织部"],
            "responsible": ["县委编办", "县人社局"],
            "section": "(二十四)其他事项",
        },
        {  # 分别牵头: both lead, the first-listed rule does not apply
            "number": "9",
            "title": "推进招商引资",
            "lead": ["县商务局", "县农业农村局"],
            "section": "(二十四)其他事项",
        },
    ]
    assert notes_of(plan) == [
        ("1", NoteKind.CONVENTION),
        ("2", NoteKind.COLLECTIVE),
        ("2", NoteKind.COLLECTIVE),
        ("3", NoteKind.CONVENTION),
        ("4", NoteKind.NOT_A_UNIT),
        ("4", NoteKind.COLLECTIVE),
        ("5", NoteKind.CONVENTION),
        ("7", NoteKind.CONVENTION),
        ("8", NoteKind.CONVENTION),
        ("9", NoteKind.SEPARATELY),
    ]
    assert [w.params.get("numbers") for w in plan.warnings] == ["1、3、5、7、8"]


def test_a_list_cut_off_by_the_end_of_the_file_keeps_its_whole_names(tmp_path: Path) -> None:
    text = (
        "XX县2024年民生实事分工方案\n"
        "1.建设社区食堂。新建10个。(牵头单位:县民政局;配合单位:县市场监管局)\n"
        "2.改造老旧小区。(牵头单位:县住建局;配合单位:县财政局,县"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "建设社区食堂",
            "lead": ["县民政局"],
            "cooperating": ["县市场监管局"],
        },
        {"number": "2", "title": "改造老旧小区", "lead": ["县住建局"], "cooperating": ["县财政局"]},
    ]
    assert notes_of(plan) == [("2", NoteKind.CUT_OFF)]
    assert [(w.params["number"], w.params["text"]) for w in plan.warnings] == [("2", "县")]


def test_generic_words_and_bare_level_words_in_a_table(tmp_path: Path) -> None:
    text = (
        "| 序号 | 重点任务 | 牵头单位 | 责任单位 |\n|--|--|--|--|\n"
        "| 1 | 整治人居环境 | 区农业农村局 | 相关乡镇、属地政府、各有关单位、区直各部门 |\n"
        "| 2 | 推进河长制 | 区水利局 | 区 |\n"
    )
    plan = read(text, tmp_path, "plan.md")
    assert register(plan) == [
        {
            "number": "1",
            "title": "整治人居环境",
            "lead": ["区农业农村局"],
            "responsible": ["相关乡镇", "属地政府", "各有关单位", "区直各部门"],
        },
        {"number": "2", "title": "推进河长制", "lead": ["区水利局"]},
    ]
    assert notes_of(plan) == [("1", NoteKind.COLLECTIVE)] * 4 + [("2", NoteKind.NOT_A_UNIT)]


def test_stray_spaces_other_numbering_and_a_single_office_in_brackets(tmp_path: Path) -> None:
    text = (
        "XX局2024年机关党建工作要点\n"
        "一、加强政治建设\n"
        "1.深入学习贯彻党的二十大精神。（组干科）\n"
        "2、开展主题教育（含民办学校）。各支部要认真组织。\n"
        "牵 头 单 位：机 关 党 委\n"
        "3）推进支部标准化建设。（机关党委负责）\n"
        "二、联系方式\n"
        "联系人：张三，电话：12345678。\n"
    )
    plan = read(text, tmp_path)
    section = "一、加强政治建设"
    assert register(plan) == [
        {
            "number": "1",
            "title": "深入学习贯彻党的二十大精神",
            "responsible": ["组干科"],  # one plain name closing its paragraph
            "section": section,
        },
        {  # (含民办学校) is part of the title, not a unit
            "number": "2",
            "title": "开展主题教育（含民办学校）",
            "lead": ["机关党委"],
            "section": section,
        },
        {
            "number": "3",
            "title": "推进支部标准化建设",
            "responsible": ["机关党委"],
            "section": section,
        },
    ]
    assert plan.tasks[1].requirements == ["各支部要认真组织。"]
    assert plan.warnings == []


def test_a_notice_addressing_every_unit_is_no_unit_statement(tmp_path: Path) -> None:
    text = (
        "XX县2024年重点任务分工方案\n"
        "一、工作要求。各责任单位：请于每月25日前报送进展。完成时限：2024年底。\n"
        "二、重点任务\n"
        "1.推进园区扩容。（牵头单位：县发改局）\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "section": "二、重点任务",
        }
    ]
    assert plan.meta.report_due is not None
    assert plan.meta.report_due.day == 25  # said in a section, not before the first task


def test_the_lead_declared_once_for_the_plan_and_a_deadline_inside_the_bracket(
    tmp_path: Path,
) -> None:
    text = (
        "XX市2023年政府工作报告重点任务分解方案\n"
        "一、稳增长\n"
        "1.推动工业经济提质增效。全年规上工业增加值增长8%。\n"
        "责任单位:市经信局、市发改委、市统计局(列第一位者为工作牵头单位或汇总单位,下同)\n"
        "2.扩大有效投资。\n"
        "责任单位:市发改委、市财政局\n"
        "3.促进消费回暖。〔责任单位:市商务局、市文旅局、各县(市、区)人民政府按职责分工负责。〕\n"
        "二、惠民生\n"
        "(一)办好民生实事。\n"
        "4.新建幼儿园10所。(市教育局牵头,市住建局、市自然资源和规划局配合;2023年9月底前完成)\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推动工业经济提质增效",
            "lead": ["市经信局"],
            "responsible": ["市发改委", "市统计局"],
            "section": "一、稳增长",
        },
        {
            "number": "2",
            "title": "扩大有效投资",
            "lead": ["市发改委"],
            "responsible": ["市财政局"],
            "section": "一、稳增长",
        },
        {
            "number": "3",
            "title": "促进消费回暖",
            "lead": ["市商务局"],
            "responsible": ["市文旅局", "各县(市、区)人民政府"],
            "section": "一、稳增长",
        },
        {
            "number": "4",
            "title": "新建幼儿园10所",
            "lead": ["市教育局"],
            "cooperating": ["市住建局", "市自然资源和规划局"],  # 和 inside a name stays
            "section": "二、惠民生 / (一)办好民生实事",
            "deadline": date(2023, 9, 30),
        },
    ]
    assert [w.params for w in plan.warnings] == [
        {"quote": "列第一位者为工作牵头单位", "numbers": "1、2、3"}
    ]


def test_a_web_page_with_the_plan_in_paragraphs_inside_a_layout_table(tmp_path: Path) -> None:
    page = """<html><head><title>x</title><script>var a="1.推进(牵头单位:假局)";</script></head>
<body><table width="100%"><tr><td>首页 &gt; 政务公开</td></tr><tr><td>
<p align="center">XX县2024年重点任务分工方案</p>
<p>一、重点任务</p>
<p>1.推进园区扩容。新增厂房。<br>（牵头单位：县发改局；配合单位：县工信局）</p>
<p><span>2.招引重大项目。</span></p><p>责任单位：县招商局</p>
</td></tr></table></body></html>"""
    plan = read(page, tmp_path, "plan.html")
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "cooperating": ["县工信局"],
            "section": "一、重点任务",
        },
        {
            "number": "2",
            "title": "招引重大项目",
            "responsible": ["县招商局"],
            "section": "一、重点任务",
        },
    ]
    assert plan.meta.title == "XX县2024年重点任务分工方案"


def test_items_under_a_task_naming_no_unit_are_its_requirements(tmp_path: Path) -> None:
    text = (
        "XX县2024年重点任务分工方案\n"
        "一、重点任务\n"
        "（一）推进园区建设。（牵头单位：县发改局（联系人：李四，电话：13800000000）；"
        "配合单位：县财政局、县人社局（按职责分工负责））\n"
        "1.新建标准厂房10万平方米。\n"
        "2.完善园区配套设施。\n"
        "（二）招引重大项目。（牵头单位：县招商局）\n"
        "二、保障措施\n"
        "1.加强组织领导。\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区建设",
            "lead": ["县发改局"],  # the contact in brackets is no part of the name
            "cooperating": ["县财政局", "县人社局"],  # 负责 keeps the label's role
            "section": "一、重点任务",
        },
        {"number": "2", "title": "招引重大项目", "lead": ["县招商局"], "section": "一、重点任务"},
    ]
    assert plan.tasks[0].requirements == ["1.新建标准厂房10万平方米。", "2.完善园区配套设施。"]


def test_a_deadline_in_brackets_beside_the_units_and_a_year_in_a_title(tmp_path: Path) -> None:
    text = (
        "XX县重点任务分工方案\n"
        "1.编制规划(2024—2035年)。完成编制。(牵头单位:县自然资源局)(2024年底前完成)\n"
        "2.推进试点（2024年）。（县教育局）\n"
    )
    assert register(read(text, tmp_path)) == [
        {
            "number": "1",
            "title": "编制规划(2024—2035年)",
            "lead": ["县自然资源局"],
            "deadline": date(2024, 12, 31),
        },
        {"number": "2", "title": "推进试点（2024年）", "responsible": ["县教育局"]},
    ]


def test_same_as_above_in_a_unit_statement(tmp_path: Path) -> None:
    text = (
        "XX县重点任务分工方案\n"
        "1.推进园区扩容。（牵头单位：县发改局；责任单位：县工信局）\n"
        "2.招引重大项目。（牵头单位：同上；责任单位：县招商局）\n"
    )
    assert register(read(text, tmp_path)) == [
        {"number": "1", "title": "推进园区扩容", "lead": ["县发改局"], "responsible": ["县工信局"]},
        {"number": "2", "title": "招引重大项目", "lead": ["县发改局"], "responsible": ["县招商局"]},
    ]


def test_items_whose_last_one_names_the_units_of_the_whole_paragraph(tmp_path: Path) -> None:
    text = (
        "XX县2024年重点任务分工方案\n"
        "一、重点任务\n"
        "1.推进园区建设。具体包括：\n"
        "（1）新建标准厂房；\n"
        "（2）完善配套设施。（牵头单位：县发改局；配合单位：县财政局）\n"
        "2.招引重大项目。\n"
        "（1）开展驻点招商。（牵头单位：县招商局）\n"
        "（2）举办推介会。（牵头单位：县商务局）\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区建设",
            "lead": ["县发改局"],
            "cooperating": ["县财政局"],
            "section": "一、重点任务",
        },
        {
            "number": "2.1",
            "title": "开展驻点招商",
            "lead": ["县招商局"],
            "section": "一、重点任务 / 2.招引重大项目",
        },
        {
            "number": "2.2",
            "title": "举办推介会",
            "lead": ["县商务局"],
            "section": "一、重点任务 / 2.招引重大项目",
        },
    ]
    assert plan.tasks[0].requirements == ["具体包括：（1）新建标准厂房；（2）完善配套设施。"]


def test_a_table_in_traditional_script_with_pinyin(tmp_path: Path) -> None:
    text = (
        "XX縣2024年重點任務分工方案\n"
        "| 序號 | 重點任務 | 牽頭單位 | 配合單位 | 完成時間 |\n|--|--|--|--|--|\n"
        "| 1 | 推進課後服務 | 縣教育局 | 縣財政局、各鄉鎮黨委、政府 | 2024年底 |\n"
        "| 2 | 發(fā)展職業教育 | 縣教育局 | 區(qū)人社局 | 2025年6月 |\n"
    )
    plan = read(text, tmp_path, "plan.md")
    assert register(plan) == [
        {
            "number": "1",
            "title": "推進課後服務",
            "lead": ["縣教育局"],
            "cooperating": ["縣財政局", "各鄉鎮黨委、政府"],
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "2",
            "title": "發展職業教育",
            "lead": ["縣教育局"],
            "cooperating": ["區人社局"],
            "deadline": date(2025, 6, 30),
        },
    ]
    assert plan.headers["title"] == "重點任務"
    assert plan.meta.title == "XX縣2024年重點任務分工方案"


def test_numbers_starting_again_in_a_section_are_all_qualified(tmp_path: Path) -> None:
    text = (
        "一、经济\n（一）工业\n1.甲。（牵头单位：县工信局）\n2.乙。（牵头单位：县工信局）\n"
        "二、社会\n1.丙。（牵头单位：县民政局）\n2.丁。（牵头单位：县民政局）\n"
        "3.戊。（牵头单位：县民政局）\n"
    )
    plan = read(text, tmp_path)
    assert [(t.number, t.title, t.section) for t in plan.tasks] == [
        ("1", "甲", "一、经济 / （一）工业"),
        ("2", "乙", "一、经济 / （一）工业"),
        ("2.1", "丙", "二、社会"),
        ("2.2", "丁", "二、社会"),
        ("2.3", "戊", "二、社会"),  # no collision, but its section's numbers are qualified
    ]
    assert [t.units(Role.LEAD) for t in plan.tasks] == [["县工信局"]] * 2 + [["县民政局"]] * 3
    assert [w.params for w in plan.warnings] == [{"old": 1, "new": "2.1"}]


def test_a_title_on_its_own_line_is_told_from_a_wrapped_line(tmp_path: Path) -> None:
    text = (
        "XX县重点任务分工方案\n"
        "一、重点任务\n"
        "1.推进乡镇综合文化站建设和基层公共文化服务提质增\n"
        "效，完成12个乡镇综合文化站改造提升，配齐专职人员，\n"
        "确保年底前全部投入使用。（牵头单位：县文旅局）\n"
        "2.推进城区学校扩容\n"
        "新建小学2所，改扩建中学1所，新增学位3000个，确保\n"
        "秋季开学前投入使用，缓解城区入学压力。（牵头单位：\n"
        "县教育局）\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {  # a text wrapped at the page's width: the wrap is no title
            "number": "1",
            "title": "推进乡镇综合文化站建设和基层公共文化服务提质增效，完成12个乡镇综合文化站"
            "改造提升，配齐专职人员，确保年底前全部投入使用",
            "lead": ["县文旅局"],
            "section": "一、重点任务",
        },
        {  # a short line with no punctuation: the title, its body below
            "number": "2",
            "title": "推进城区学校扩容",
            "lead": ["县教育局"],
            "section": "一、重点任务",
        },
    ]
    assert plan.tasks[1].requirements == [
        "新建小学2所，改扩建中学1所，新增学位3000个，确保秋季开学前投入使用，缓解城区入学压力。"
    ]


def test_lines_of_units_end_where_the_next_line_says_something_else(tmp_path: Path) -> None:
    text = (
        "XX县重点任务分工方案\n"
        "3.推进城区学校扩容\n"
        "牵头单位:区教育局\n"
        "责任单位:区发改局、区财政局、\n"
        "区住建局\n"
        "目标：新建小学2所。\n"
        "4.加快项目审批。（牵头单位：县发改局）\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "3",
            "title": "推进城区学校扩容",
            "lead": ["区教育局"],
            "responsible": ["区发改局", "区财政局", "区住建局"],  # the list wraps, then stops
        },
        {"number": "4", "title": "加快项目审批", "lead": ["县发改局"]},
    ]
    assert plan.tasks[0].requirements == ["目标：新建小学2所。"]


def test_a_heading_stating_units_for_the_tasks_under_it(tmp_path: Path) -> None:
    text = (
        "XX县重点任务分工方案\n"
        "（一）加强园区建设（牵头单位：县发改局；牵头领导：张三）\n"
        "1.新建标准厂房。（责任单位：县住建局）\n"
        "2.完善配套设施。（责任单位：县水利局；牵头单位：县工信局）\n"
        "（二）招引重大项目。（牵头单位：县招商局）\n"
    )
    plan = read(text, tmp_path)
    section = "（一）加强园区建设"
    assert register(plan) == [
        {  # the lead and the leader come from the heading
            "number": "1.1",
            "title": "新建标准厂房",
            "lead": ["县发改局"],
            "responsible": ["县住建局"],
            "section": section,
            "leader": "张三",
        },
        {  # its own lead wins over the heading's
            "number": "1.2",
            "title": "完善配套设施",
            "lead": ["县工信局"],
            "responsible": ["县水利局"],
            "section": section,
            "leader": "张三",
        },
        {"number": "2", "title": "招引重大项目", "lead": ["县招商局"]},
    ]
    assert plan.warnings == []

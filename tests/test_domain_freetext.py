"""Free text read for the task, status and percent it states: a table of what officials write."""

from __future__ import annotations

import pytest

from bot.domain.freetext import ReadReport, chinese_number, read_reply, split_extras
from bot.domain.reporting import Status

DONE, GOING, BEHIND, IDLE = Status.DONE, Status.IN_PROGRESS, Status.BEHIND, Status.NOT_STARTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23号任务已完成，经费已拨付到位", [("23", DONE, None, "已完成，经费已拨付到位")]),
        ("推进中，完成60%", [(None, GOING, 60, "推进中，完成60%")]),
        ("第19项：隐患排查已完成，整改率100%", [("19", DONE, None, "隐患排查已完成，整改率100%")]),
        (
            "任务5 正在推进，已完成年度目标的40%",
            [("5", GOING, 40, "正在推进，已完成年度目标的40%")],
        ),
        ("第二十三项已办结", [("23", DONE, None, "已办结")]),
        ("5.已完成", [("5", DONE, None, "已完成")]),
        ("（7）项目尚未启动", [("7", IDLE, None, "项目尚未启动")]),
        ("3号楼已完工", [(None, DONE, None, "3号楼已完工")]),
        ("完成80%", [(None, GOING, 80, "完成80%")]),
        ("60%", [(None, GOING, 60, "60%")]),
        ("已完成", [(None, DONE, None, "已完成")]),
        ("累计完成100%", [(None, DONE, 100, "累计完成100%")]),
        ("资金拨付率80%，正在推进", [(None, GOING, None, "资金拨付率80%，正在推进")]),
        ("尚未完成，进度滞后", [(None, BEHIND, None, "尚未完成，进度滞后")]),
        ("部分工作未完成", [(None, None, None, "部分工作未完成")]),
        ("1.5亿元资金已到位", [(None, None, None, "1.5亿元资金已到位")]),
        ("推進中，完成60%", [(None, GOING, 60, "推進中，完成60%")]),
        ("2.項目已辦結", [("2", DONE, None, "項目已辦結")]),
        (
            "本月进展如下：\n1.已完成招标\n2.推进中，完成50%\n3.存在困难，资金未到位",
            [
                ("1", DONE, None, "已完成招标"),
                ("2", GOING, 50, "推进中，完成50%"),
                ("3", BEHIND, None, "存在困难，资金未到位"),
            ],
        ),
        (
            "1.已完成招标。2.推进中，完成50%。",
            [("1", DONE, None, "已完成招标。"), ("2", GOING, 50, "推进中，完成50%。")],
        ),
        (
            "第4项已完成\n验收材料已报送",
            [("4", DONE, None, "已完成\n验收材料已报送")],
        ),
    ],
)
def test_what_a_reply_states(
    text: str, expected: list[tuple[str | None, Status | None, int | None, str]]
) -> None:
    got = [(r.task, r.status, r.percent, r.text) for r in read_reply(text)]
    assert got == expected


def test_half_done_is_fifty_percent_and_a_task_named_twice_is_one_report() -> None:
    assert read_reply("第3项 已完成一半") == [ReadReport("3", GOING, 50, "已完成一半")]
    assert read_reply("1.已完成\n1.未启动") == [
        ReadReport("1", None, None, "已完成\n未启动", unsure=("status",))
    ]
    assert read_reply("第3项 已完成 第3项 已完成") == [
        ReadReport("3", DONE, None, "已完成 第3项 已完成")
    ]


def test_statements_that_disagree_are_left_to_ask() -> None:
    assert read_reply("已完成，但进度滞后") == [
        ReadReport(None, None, None, "已完成，但进度滞后", unsure=("status",))
    ]
    assert read_reply("已完成60%") == [ReadReport(None, GOING, 60, "已完成60%")]
    assert read_reply("完成60%，进度达到70%") == [
        ReadReport(None, None, None, "完成60%，进度达到70%", unsure=("percent",))
    ]


@pytest.mark.parametrize("text", ["本月无新进展", "与上月相同", "12号任务：本月無新進展"])
def test_no_change_is_recognised(text: str) -> None:
    (report,) = read_reply(text)
    assert report.no_change


def test_nothing_is_read_from_nothing() -> None:
    assert read_reply("") == []
    assert read_reply("  \n ") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十三", 23),
        ("十九", 19),
        ("十", 10),
        ("一百零五", 105),
        ("两百", 200),
        ("7", 7),
        ("甲", None),
    ],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推进中，完成60%", ("推进中，完成60%", None, None)),
        ("推进中\n存在问题：资金不足\n下步打算：加快推进", ("推进中", "资金不足", "加快推进")),
        ("已完成。存在问题：无。下步打算：巩固成果", ("已完成。", "", "巩固成果")),
        (
            "推进中\n存在的主要问题：人手少\n下一步工作计划：招聘\n月底前到岗",
            ("推进中", "人手少", "招聘\n月底前到岗"),
        ),
        ("推进中\n困难和问题: 没有", ("推进中", "", None)),
        ("存在困难，资金未到位", ("存在困难，资金未到位", None, None)),  # no heading: narrative
        ("问题整改已完成，下步打算巩固", ("问题整改已完成，下步打算巩固", None, None)),
    ],
)
def test_headed_problems_and_next_steps_are_set_apart(
    text: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert split_extras(text) == expected


def test_the_status_is_read_from_the_narrative_alone() -> None:
    """A problem's 推进缓慢 does not make the task 滞后; the headings stay out of the text."""
    [read] = read_reply("第3项 推进中，完成60%\n存在问题：部分项目推进缓慢\n下步打算：无")
    assert (read.task, read.status, read.percent, read.text) == ("3", GOING, 60, "推进中，完成60%")
    assert (read.problems, read.next_steps) == ("部分项目推进缓慢", "")

"""Several plans at once: a plan is named by its number, short name or title words, and a
command given none refuses with the list when several are active (never "the latest")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.plan_choice import PlanRef, choose_plan, clean_short_name, default_short_name

PLANS = [
    PlanRef(1, "优化营商环境", "青溪县2026年优化营商环境重点任务分工方案"),
    PlanRef(2, "教育强县", "青溪县2026年教育强县重点任务分工方案"),
    PlanRef(3, "教育督导", "青溪县2026年教育督导工作方案"),
]


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("2", [2]),
        ("9", []),
        ("教育强县", [2]),
        ("教育", [2, 3]),  # a prefix of two short names: ambiguous
        ("营商", [1]),  # a piece of one title
        ("青溪县", [1, 2, 3]),
        ("卫生", []),
        ("  ", []),
    ],
)
def test_choose_plan(typed: str, ids: list[int]) -> None:
    assert [p.id for p in choose_plan(typed, PLANS)] == ids


def test_short_names() -> None:
    title = "青溪县2026年优化营商环境重点任务分工方案"
    assert default_short_name(title, []) == "优化营商环境"
    assert default_short_name(title, ["优化营商环境"]) == "优化营商环境-2"
    assert default_short_name("关于印发青溪县2026年政府工作报告重点任务分工方案的通知", []) == (
        "政府工作报告"
    )
    assert [clean_short_name(t) for t in (" 教育 ", "12", "a b", "", "x" * 41)] == [
        "教育",
        None,
        None,
        None,
        None,
    ]


def second_plan(sample_plan: Path, folder: Path, word: str, doc: str) -> Path:
    """The sample plan under another title and 文号: another plan sharing its units."""
    text = sample_plan.read_text(encoding="utf-8")
    path = folder / f"{doc}.md"
    path.write_text(text.replace("优化营商环境", word).replace("青营商组发", doc), encoding="utf-8")
    return path


@pytest.fixture
def duban(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    assert run("init")[0] == 0
    return run


def test_one_plan_needs_no_name(
    duban: Callable[..., tuple[int, str, str]], sample_plan: Path
) -> None:
    assert duban("import", str(sample_plan))[0] == 0
    assert duban("plan", "list")[1].splitlines() == [
        "1  优化营商环境  青溪县2026年优化营商环境重点任务分工方案"
    ]
    assert duban("dispatch", "--period", "2026-10")[0] == 0
    assert duban("status")[0] == 0
    assert duban("status", "--plan", "营商")[0] == 0


def test_two_plans_are_named(
    duban: Callable[..., tuple[int, str, str]], sample_plan: Path, tmp_path: Path
) -> None:
    assert duban("import", str(sample_plan))[0] == 0
    assert duban("import", str(second_plan(sample_plan, tmp_path, "教育强县", "青教组发")))[0] == 0
    both = (
        "1 优化营商环境（青溪县2026年优化营商环境重点任务分工方案）；"
        "2 教育强县（青溪县2026年教育强县重点任务分工方案）"
    )
    for command in (["status"], ["plan", "show"]):
        code, out, err = duban(*command)
        assert (code, out) == (2, "")
        assert (
            err.split()
            == (f"2 plans are active: {both}. Say which one by its number or short name.").split()
        )
    code, _, err = duban("status", "--plan", "青溪")
    assert code == 2
    assert err.split() == f"“青溪” may be any of 2 plans: {both}. Name one by its number.".split()
    code, _, err = duban("status", "--plan", "卫生")
    assert code == 2
    assert err.split() == f"There is no plan “卫生”; the plans: {both}.".split()

    assert duban("dispatch", "--period", "2026-10", "--plan", "教育")[0] == 0
    assert duban("status", "--plan", "教育")[0] == 0
    code, _, err = duban("status", "--plan", "营商")
    assert (code, err.strip()) == (2, "Nothing has been dispatched yet.")

    renamed = "Plan 2 is now called “教育”: 青溪县2026年教育强县重点任务分工方案."
    assert " ".join(duban("plan", "rename", "教育", "教育")[1].split()) == renamed
    refused = duban("plan", "rename", "1", "教育")[2].strip()
    assert refused == "Another plan is already called “教育”."
    assert duban("plan", "rename", "1", "2026")[0] == 2
    assert duban("status", "--plan", "2")[0] == 0
    assert "教育" in duban("plan", "show", "--plan", "教育", "--json")[1]
    # a secretariat code of one plan; a unit's code is never one plan's
    assert duban("invite", "--role", "secretariat", "--plan", "教育", "--json")[0] == 0
    code, _, err = duban("invite", "县发改局", "--plan", "教育")
    assert (code, err.strip()) == (2, "Only a secretariat code is given for one plan.")
    code, _, err = duban("invite", "--role", "secretariat", "--plan", "9")
    assert (code, err.strip()) == (2, "There is no plan 9.")
    # a WeCom app chat bound as one plan's secretariat group
    assert duban("chat", "bind-wecom", "wrkchat1", "--plan", "教育")[0] == 0
    listed = json.loads(duban("chat", "list")[1])
    assert [(c["identity"], c["plan"]) for c in listed] == [("wecom:chat:wrkchat1", 2)]
    # dispatch without --plan dispatches every active plan: one prompt a person for all
    code, out, _ = duban("dispatch", "--period", "2026-12", "--json")
    assert code == 0
    assert [(p["plan"], p["period"]) for p in json.loads(out)["plans"]] == [
        (1, "2026-12"),
        (2, "2026-12"),
    ]

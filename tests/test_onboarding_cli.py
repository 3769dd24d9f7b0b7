"""``duban contacts import`` and ``duban invite`` as a secretariat runs them; sheets read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import bot.cli

HEADERS = ["单位", "角色", "姓名", "手机", "企业微信账号（userid）", "Telegram"]
PEOPLE = [
    ["县发改局", "联络员", "王联络", 13800138000, "wanglianluo", None],  # a phone typed as a number
    ["县发改局", "领导", "赵局长", "0745-2345678", None, "@zhaoju"],
    ["县财政局", "联络员", "钱会计", "13900139000", None, None],
    *[["县住建局", "联络员", f"住建{i}", f"1370013700{i}", None, None] for i in range(7)],
    [None, "秘书组", "周秘书", None, None, None],
]


def duban(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(bot.cli.app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def sheet(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    active = book.active
    assert active is not None
    active.append(["青溪县营商环境联络员名单"])  # a title row above the header
    active.append(HEADERS)
    for r in rows:
        active.append(r)
    book.save(path)
    return path


@pytest.fixture
def planned(cli_env: Path, runner: CliRunner, sample_plan: Path) -> Path:
    assert duban(runner, "import", str(sample_plan))[0] == 0
    return cli_env


def test_import_a_sheet_and_read_the_invitation_sheet_back(
    planned: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_TELEGRAM_BOT_USERNAME", "qingxi_duban_bot")
    path = sheet(planned / "联系人.xlsx", PEOPLE)
    code, out, err = duban(runner, "contacts", "import", str(path), "--dry-run", "--json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [s["action"] for s in steps] == ["bind"] + ["invite"] * 10
    assert steps[0] | {"phone": "13800138000", "row": 3} == steps[0]
    assert json.loads(duban(runner, "contacts", "--json")[1]) == []  # a dry run stores nothing

    code, out, err = duban(runner, "contacts", "import", str(path), "--out", "cards", "--png")
    assert code == 0, err
    folder = planned / "cards"
    assert str(folder) in out.replace("\n", "")
    xlsx, pdf = sorted(folder.glob("*.xlsx")), sorted(folder.glob("*.pdf"))
    assert len(xlsx) == len(pdf) == 1
    assert len(list(folder.glob("*.png"))) == 2  # ten cards, eight a page
    assert (pdf[0].stat().st_mode & 0o077) == 0  # live codes: the owner's eyes only
    assert len(re.findall(rb"/Type\s*/Page\b", pdf[0].read_bytes())) == 2

    rows = list(openpyxl.load_workbook(xlsx[0]).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == 11
    by_name = {r[2]: r for r in rows[1:]}
    assert set(by_name) == {"赵局长", "钱会计", "周秘书"} | {f"住建{i}" for i in range(7)}
    unit, _, name, phone, telegram, invite, wecom, start, link, _ = by_name["赵局长"]
    assert (unit, name, phone, telegram) == ("县发改局", "赵局长", "0745-2345678", "@zhaoju")
    assert re.fullmatch(r"[A-Z2-9]{10}", str(invite))
    assert (wecom, start) == (f"绑定 {invite}", f"/start {invite}")
    assert link == f"https://t.me/qingxi_duban_bot?start={invite}"
    assert by_name["周秘书"][0] in ("秘书组", "secretariat")

    contacts = json.loads(duban(runner, "contacts", "--json")[1])
    assert [(c["name"], c["identity"], c["phone"]) for c in contacts] == [
        ("王联络", "wecom:wanglianluo", "13800138000")
    ]
    table = duban(runner, "contacts")[1]
    assert "王联络" in table
    assert "wecom:wanglianluo" not in table  # the name, not the channel identity

    code, out, _ = duban(runner, "contacts", "import", str(path), "--json")
    assert code == 0
    again = json.loads(out)
    assert [s["action"] for s in again["steps"]] == ["bound"] + ["invited"] * 10
    assert again["files"] == []


def test_a_bad_sheet_lists_every_problem_and_stores_nothing(
    planned: Path, runner: CliRunner
) -> None:
    path = planned / "contacts.csv"
    path.write_text(
        "单位,角色,姓名,手机,企业微信账号,Telegram\n"
        "县发改局,联络员,王联络,13800138000,wanglianluo,\n"
        "教育局,联络员,张三,13800138001,,\n"
        "县财政局,联络员,李四,12345,,\n"
        "县财政局,领导,王联络,,wanglianluo,\n"
        "县财政局,,赵六,,,\n",
        encoding="gb18030",  # as Excel on a Chinese Windows saves CSV
    )
    code, out, err = duban(runner, "contacts", "import", str(path))
    assert code == 2, out
    lines = err.strip().splitlines()
    assert len(lines) == 5, err  # four rows with problems, then the refusal
    assert "3" in lines[0]
    assert "“教育局”" in lines[0]
    assert "“县教育局”" in lines[0]
    assert "4" in lines[1]
    assert "12345" in lines[1]
    assert "5" in lines[2]
    assert "wanglianluo" in lines[2]
    assert "6" in lines[3]
    assert "4" in lines[4]
    assert json.loads(duban(runner, "contacts", "--json")[1]) == []
    assert not (planned / "data" / "invitations").exists()


def test_sheets_that_cannot_be_read(planned: Path, runner: CliRunner) -> None:
    no_header = planned / "no-header.csv"
    no_header.write_text("姓名,手机\n张三,13800138000\n", encoding="utf-8")
    old_excel = planned / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    for path, words in (
        (no_header, "单位"),
        (old_excel, ".xlsx"),
        (planned / "missing.xlsx", "missing.xlsx"),
    ):
        code, _, err = duban(runner, "contacts", "import", str(path))
        assert code == 2, path
        assert words in err, err


def test_invite_suggests_units_and_names_the_missing_setting(
    planned: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = duban(runner, "invite", "教育局")
    assert code == 2
    assert "县教育局" in err
    code, out, _ = duban(runner, "invite", "县发改局", "--name", "王联络")
    assert code == 0
    assert "t.me/<bot>" not in out
    assert "DUBAN_TELEGRAM_BOT_USERNAME" in out
    assert "UTC" not in out  # local time, as the secretariat reads it
    monkeypatch.setenv("DUBAN_TELEGRAM_BOT_USERNAME", "@qingxi_duban_bot")
    code, out, _ = duban(runner, "invite", "县发改局")
    assert code == 0
    invite = re.search(r"\b[A-Z2-9]{10}\b", out)
    assert invite is not None
    assert f"https://t.me/qingxi_duban_bot?start={invite.group()}" in out.replace("\n", "")

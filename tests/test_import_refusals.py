"""Files that are not plans: one clear sentence on stderr, exit status 2, database untouched."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.importers import PlanFileError, read_plan


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))


def _other_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")


CASES: dict[str, tuple[str, object, str]] = {
    # name: (file name, content or writer, words the zh_CN sentence must contain)
    "empty": ("plan.md", b"", "空的"),
    "blank": ("plan.md", b"   \n\n  ", "空的"),
    "binary with a .md name": ("plan.md", bytes(range(256)) * 64, "二进制"),
    "pdf": ("plan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    "old word": ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".docx"),
    "damaged zip": ("plan.xlsx", b"PK\x03\x04broken", "损坏"),
    "zip that is no office file": ("plan.docx", _other_zip, "ZIP"),
    "zip bomb": ("plan.docx", _zip_bomb, "解压"),
    "no tasks": (
        "plan.md",
        "关于做好2026年工作的通知\n\n各单位：请认真落实。\n".encode(),
        "未找到任务",
    ),
    "header without tasks": (
        "plan.md",
        "| 序号 | 目标任务 | 牵头单位 |\n|--|--|--|\n| | | |\n".encode(),
        "表头",
    ),
    "duplicate numbers": (
        "plan.md",
        (
            "| 序号 | 目标任务 | 牵头单位 |\n|--|--|--|\n"
            "| 1 | 甲 | 县教育局 |\n| 1 | 乙 | 县财政局 |\n"
        ).encode(),
        "两次",
    ),
}


def _write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_refused_with_one_sentence_and_exit_2(
    case: str, cli_env: Path, runner: CliRunner, sample_plan: Path
) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    before = runner.invoke(app, ["plan", "show", "--json"]).stdout
    name, content, words = CASES[case]
    result = runner.invoke(app, ["import", str(_write(cli_env, name, content))])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert runner.invoke(app, ["plan", "show", "--json"]).stdout == before


def test_missing_file_and_folder(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "nowhere.md"])
    assert (result.exit_code, "不存在" in result.stderr) == (2, True)
    result = runner.invoke(app, ["import", str(cli_env)])
    assert (result.exit_code, "文件夹" in result.stderr) == (2, True)


def test_a_file_over_the_size_limit(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_IMPORT_MAX_MB", "1")
    path = cli_env / "big.md"
    path.write_bytes(b"| 1 | x |\n" * 120_000)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2
    assert "1.1 MB" in result.stderr
    assert "1.0 MB" in result.stderr


def test_refusal_in_english_from_the_real_process(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes(b"")
    env = {
        "DUBAN_DEFAULT_LOCALE": "en",
        "DUBAN_DATABASE_URL": f"sqlite://{tmp_path}/x.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "The file is empty."
    assert not (tmp_path / "x.sqlite3").exists()  # nothing was even opened


def test_read_plan_bytes_refuses_with_a_message_id() -> None:
    with pytest.raises(PlanFileError) as caught:
        read_plan(Path("/nonexistent/plan.md"))
    assert caught.value.message.msgid == "The file {name} does not exist."


def test_a_plan_with_100000_rows_is_refused_early(cli_env: Path, runner: CliRunner) -> None:
    lines = ["序号,目标任务,具体要求,牵头单位,责任单位"]
    lines += [f"{n},第{n}项任务,要求{n},县发改局,县财政局" for n in range(1, 100_001)]
    huge = cli_env / "huge.csv"
    huge.write_text("\n".join(lines), encoding="utf-8")
    assert runner.invoke(app, ["import", str(cli_env / "missing.md")]).exit_code == 2
    result = runner.invoke(app, ["import", str(huge)])
    assert result.exit_code == 2
    assert "20000" in result.stderr
    shown = runner.invoke(app, ["plan", "show"])
    assert shown.exit_code == 2  # nothing was stored: there is no plan to show

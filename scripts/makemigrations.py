"""Write a new schema migration after a model change (``make migrations``)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

with tempfile.TemporaryDirectory() as folder:
    config = Path(folder) / "duban_migration_config.py"
    config.write_text(
        "from bot.storage.db import tortoise_config\n"
        f"TORTOISE_ORM = tortoise_config('sqlite://{folder}/scratch.sqlite3')\n",
        encoding="utf-8",
    )
    env_path = f"{folder}:{ROOT}"
    sys.exit(
        subprocess.call(  # noqa: S603 - fixed argv, the project's own tortoise CLI
            [
                sys.executable,
                "-m",
                "tortoise",
                "-c",
                "duban_migration_config.TORTOISE_ORM",
                "makemigrations",
                *sys.argv[1:],
            ],
            cwd=ROOT,
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        )
    )

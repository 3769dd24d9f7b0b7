"""Start-up of every ``duban`` command: settings with localized errors, logging, the locale.

Nothing here imports a channel library: ``duban --help`` and light commands start in a
fraction of a second. A setting that cannot be read becomes one sentence per setting, in the
deployment's language, never a pydantic dump; tracebacks go to the log file (or ``--debug``).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.domain.messages import N_, Message, msg
from bot.i18n import normalise_locale

# pydantic error types (and our validators' codes) → what a person should be told
_PROBLEMS = {
    "int_parsing": N_("{name} must be a whole number (it is “{value}”)."),
    "int_from_float": N_("{name} must be a whole number (it is “{value}”)."),
    "float_parsing": N_("{name} must be a number (it is “{value}”)."),
    "bool_parsing": N_("{name} must be true or false (it is “{value}”)."),
    "greater_than": N_("{name} is out of range (it is “{value}”)."),
    "greater_than_equal": N_("{name} is out of range (it is “{value}”)."),
    "less_than_equal": N_("{name} is out of range (it is “{value}”)."),
    "locale": N_("{name} must be zh_CN, zh_TW or en (it is “{value}”)."),
    "timezone": N_("{name} is not a time zone (it is “{value}”); use e.g. Asia/Shanghai."),
    "log_level": N_("{name} must be DEBUG, INFO, WARNING or ERROR (it is “{value}”)."),
    "database_url": N_("{name} must start with sqlite:// or postgres:// (it is “{value}”)."),
    "proxy": N_("{name} must start with socks5://, socks4:// or http:// (it is “{value}”)."),
}
_SECRET_WORDS = ("token", "secret", "key", "proxy", "password")


def settings_problems(exc: ValidationError) -> list[Message]:
    """One sentence per setting that could not be read (secrets are not echoed)."""
    problems = []
    for error in exc.errors():
        field = "_".join(str(part) for part in error["loc"])
        name = f"DUBAN_{field.upper()}"
        value = str(error.get("input", ""))
        if any(word in field for word in _SECRET_WORDS):
            value = "***"
        code = error["type"]
        if code == "value_error":
            code = str(error.get("ctx", {}).get("error", ""))
        template = _PROBLEMS.get(code, N_("{name} cannot be used (it is “{value}”)."))
        problems.append(msg(template, name=name, value=value[:80]))
    return problems


def configured_locale() -> str:
    """The deployment's locale for help and start-up errors, read without validating anything.

    Settings may be the very thing that is broken, so this reads ``DUBAN_DEFAULT_LOCALE`` from
    the environment or ``.env`` directly; anything unknown falls back to zh_CN.
    """
    value = os.environ.get("DUBAN_DEFAULT_LOCALE")
    env_file = Path(".env")
    if not value and env_file.is_file():
        try:
            lines = env_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        for line in lines:
            key, _, rest = line.partition("=")
            if key.strip() == "DUBAN_DEFAULT_LOCALE":
                value = rest.strip().strip("'\"")
    return normalise_locale(value)


class _OneLine(logging.Formatter):
    """Console format: a failure's type and message on the same line, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        exc_info, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info = exc_info
        if exc_info and exc_info[1] is not None:
            line += f" ({type(exc_info[1]).__name__}: {exc_info[1]})"
        return line


def setup_logging(level: str, log_file: Path | None, *, debug: bool) -> None:
    """Console logging without tracebacks (unless ``--debug``); the file, when set, has them."""
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(
        logging.Formatter(fmt) if debug else _OneLine("%(levelname)s %(name)s: %(message)s")
    )
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(log_file, encoding="utf-8")
        to_file.setFormatter(logging.Formatter(fmt))
        handlers.append(to_file)
    logging.basicConfig(level="DEBUG" if debug else level, handlers=handlers, force=True)
    if not debug:  # libraries that narrate every request at INFO
        for chatty in ("wechatpy", "aiogram.event", "apscheduler.executors"):
            logging.getLogger(chatty).setLevel(logging.WARNING)

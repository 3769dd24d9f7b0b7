"""The ``duban`` command: the composition root that builds Settings once and runs a command.

Start-up stays light: the command modules import channel libraries, spreadsheets and charts
only inside the commands that use them, so ``duban --help`` loads none of them. Help text is
shown in the deployment's locale (``DUBAN_DEFAULT_LOCALE``, zh_CN by default).
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.cadence import cli as cadence
from bot.cadence import cli_extensions as extensions
from bot.cadence import cli_schedule as schedule
from bot.config import Settings
from bot.domain.messages import N_, msg
from bot.i18n import Translator
from bot.operations import cli_admin as admin
from bot.operations import cli_database as database
from bot.operations import cli_demo as demo_command
from bot.operations import cli_doctor as doctor
from bot.operations import cli_outbox as outbox
from bot.operations import cli_prune as prune
from bot.operations import cli_serve as serve
from bot.oversight import cli as oversight
from bot.oversight import cli_closing as closing
from bot.oversight import cli_supervision as supervision
from bot.people import cli as people
from bot.people import cli_chats as chats
from bot.plans import cli as plans
from bot.plans import cli_units as units
from bot.reporting import cli as reporting
from bot.shell.boot import configured_locale, settings_problems, setup_logging
from bot.shell.help import localize_help
from bot.shell.runtime import EXIT_REFUSED, Runtime, WecomApi

EXIT_FAILED = 1
log = logging.getLogger("duban")


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"duban {version('duban')}")
        except PackageNotFoundError:
            typer.echo("duban (source tree)")
        raise typer.Exit


def _wecom_api(settings: Settings) -> WecomApi:
    """WeCom's API through wechatpy, imported only by the commands that call it."""
    from bot.channels.wecom.client import AsyncWecom  # noqa: PLC0415 - wechatpy is heavy

    return AsyncWecom.configured(settings)


def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks and debug logging")
    ] = False,
    _show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    """Duban (督办): the reporting cycle of a task-division plan, run in chat."""
    err = Console(stderr=True)
    try:
        settings = Settings()
    except ValidationError as exc:
        translator = Translator(configured_locale())
        for problem in settings_problems(exc):
            err.print(translator.render(problem), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_REFUSED) from exc
    setup_logging(settings.log_level, settings.log_file, debug=debug)
    ctx.obj = Runtime(
        settings=settings,
        translator=Translator(settings.default_locale),
        out=Console(),
        err=err,
        debug=debug,
        wecom_api=_wecom_api,
    )


def build_app() -> typer.Typer:
    """The ``duban`` app with every command registered (built per run, not at import)."""
    app = typer.Typer(
        name="duban",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for module in (
        database,
        plans,
        units,
        people,
        cadence,
        reporting,
        serve,
        schedule,
        outbox,
        prune,
        oversight,
        supervision,
        extensions,
        closing,
        admin,
        chats,
        doctor,
        demo_command,
    ):
        module.register(app)
    return app


def main() -> None:
    """Console-script entry point: run one command; an unexpected failure is one sentence."""
    translator = Translator(configured_locale())
    command = localize_help(typer.main.get_command(build_app()), translator)
    try:
        command.main(prog_name="duban", standalone_mode=True)
    except Exception as exc:
        if "--debug" in sys.argv[1:]:
            raise
        if any(isinstance(h, logging.FileHandler) for h in logging.getLogger().handlers):
            log.exception("duban failed")  # the traceback, for the log file only
        Console(stderr=True).print(
            translator.render(
                msg(
                    N_(
                        "Duban stopped on an unexpected error: {error}. Run the command again "
                        "with --debug for the details (or see DUBAN_LOG_FILE)."
                    ),
                    error=f"{type(exc).__name__}: {exc}",
                )
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_FAILED)


def __getattr__(name: str) -> typer.Typer:
    """``bot.cli.app``: the app, built when asked for (tests drive it with typer's runner)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)

"""Settings from the environment and ``.env`` (prefix ``DUBAN_``), built once at the root.

An empty value (``DUBAN_WECOM_AGENT_ID=`` as ``.env.example`` ships it) means "not set". A
channel is on when its required settings are all present; :meth:`Settings.wecom_missing`
names what a half-configured WeCom app still lacks.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import LOCALES

WECOM_REQUIRED = ("wecom_corp_id", "wecom_agent_id", "wecom_secret", "wecom_token", "wecom_aes_key")
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "postgres+asyncpg")
PROXY_SCHEMES = ("http", "https", "socks4", "socks5")


class Settings(BaseSettings):
    """Every setting Duban reads. ``.env.example`` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="DUBAN_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    database_url: str = "sqlite://data/duban.sqlite3"
    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    log_level: str = "INFO"
    log_file: Path | None = None  # full log with tracebacks, besides the console's one-liners
    import_max_mb: float = Field(default=20.0, gt=0, le=200)

    telegram_token: SecretStr | None = None
    telegram_bot_username: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_proxy: SecretStr | None = None  # socks5://user:pass@host:1080 or http://host:3128
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com"

    wecom_callback_window: int = Field(default=600, ge=10, le=86400)  # seconds; older: refused
    # choices as template cards in private chats; false: numbered text everywhere (政务微信
    # builds without 模板卡片)
    wecom_cards: bool = True

    # /status and /overdue answered to every member of a bound secretariat group, not only to
    # members bound as the secretariat themselves (other secretariat commands never are)
    group_reads_status: bool = False

    scheduler: bool = True  # run the cadence jobs (one process per deployment takes the lock)
    # seconds a process holds an update or a message it took; past it a live process takes over
    delivery_lease: float = Field(default=60.0, ge=1.0, le=3600.0)

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # the status board's address as browsers reach it (https://duban.example.gov.cn); unset:
    # the server's own http://host:port, enough on one machine but not from a phone
    public_url: str | None = None
    # the reverse proxies (addresses, comma-separated) whose X-Forwarded-For names the client:
    # only then are the board's failed sign-ins counted per client (unset: not counted)
    trusted_proxy: str | None = None

    # graded 督办 (督办单, bot/domain/supervision.py): yellow when a report is this many working
    # days late or the task's deadline is within this many working days; red after this many
    # periods missed in a row; working days given to reply with 整改措施; the 编号's prefix; the
    # issuing office (unset: the plan's 印发单位); 通报排名 of units, for the secretariat only
    supervision_late_days: int = Field(default=3, ge=1, le=60)
    supervision_due_soon_days: int = Field(default=5, ge=0, le=60)
    supervision_missed_periods: int = Field(default=2, ge=1, le=12)
    supervision_reply_days: int = Field(default=3, ge=1, le=30)
    supervision_prefix: str = "青营商督"
    supervision_office: str | None = None
    rankings: bool = False

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError("locale")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("timezone") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("log_level")
        return value.upper()

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if urlsplit(value).scheme not in DATABASE_SCHEMES:
            raise ValueError("database_url")
        return value

    @field_validator("telegram_proxy")
    @classmethod
    def _known_proxy(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in PROXY_SCHEMES:
            raise ValueError("proxy")
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _bare_username(cls, value: str | None) -> str | None:
        return value.strip().removeprefix("@") or None if value else None

    @property
    def import_max_bytes(self) -> int:
        """The largest plan file accepted, in bytes."""
        return int(self.import_max_mb * 1024 * 1024)

    @property
    def telegram_enabled(self) -> bool:
        """Telegram is configured (its token is set)."""
        return self.telegram_token is not None

    def wecom_missing(self) -> list[str]:
        """The WeCom settings still empty when some are set (empty list: all or none set)."""
        missing = [f"DUBAN_{name.upper()}" for name in WECOM_REQUIRED if not getattr(self, name)]
        return [] if len(missing) == len(WECOM_REQUIRED) else missing

    @property
    def wecom_enabled(self) -> bool:
        """WeCom is configured: corp id, agent id, secret, callback token and key all set."""
        return all(getattr(self, name) for name in WECOM_REQUIRED)

    @property
    def any_channel(self) -> bool:
        """At least one channel is configured."""
        return self.telegram_enabled or self.wecom_enabled

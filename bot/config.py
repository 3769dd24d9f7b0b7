"""Settings from the environment and ``.env`` (prefix ``DUBAN_``), built once at the root."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import LOCALES


class Settings(BaseSettings):
    """Every setting Duban reads. ``.env.example`` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="DUBAN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite://data/duban.sqlite3"
    data_dir: Path = Path("data")
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    log_level: str = "INFO"
    import_max_mb: float = Field(default=20.0, gt=0, le=200)

    telegram_token: SecretStr | None = None
    telegram_bot_username: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com"

    scheduler: bool = True  # run the cadence jobs (one process per deployment takes the lock)

    http_host: str = "127.0.0.1"
    http_port: int = 8080

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"must be one of {', '.join(LOCALES)}")
        return value

    @property
    def import_max_bytes(self) -> int:
        """The largest plan file accepted, in bytes."""
        return int(self.import_max_mb * 1024 * 1024)

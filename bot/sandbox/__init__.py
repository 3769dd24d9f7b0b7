"""Local emulators of the Telegram Bot API and the WeCom API, for tests and ``duban demo``."""

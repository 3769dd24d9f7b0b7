"""Running a deployment: start the bot, check it, back it up, the offline demo."""

"""What every ``duban`` command runs in: settings, logging, the locale, localized help."""

"""The chat's entry: who is speaking, which command, and which feature answers."""

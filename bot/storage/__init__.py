"""Persistence: tortoise-orm models, schema migrations, and repositories over them."""

"""Alembic environment: runs on the connection handed over by ``laborlens.adapters.store.migrate``.

There is no ``alembic.ini``: the store opens its database, then upgrades it to the newest
revision before first use. Each script is plain SQL both engines accept.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()

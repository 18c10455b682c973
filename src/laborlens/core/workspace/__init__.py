"""Shared work on a server, as pure functions: accounts and roles, alerts and their review
decisions, stored result rows and what changed between two screenings."""

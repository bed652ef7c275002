"""Alembic migrations for storybank's schema (generated from the SQLModel metadata)."""

"""The `storybank` command: set-up, migrations, demo data, users, import/export, serve."""

# Importing the command modules registers their commands, in this order in --help.
from storybank.cli import setup, users, units, register, exchange, privacy, nlp_models, nlp_pii  # noqa: I001
from storybank.cli.base import app

__all__ = [
    "app",
    "exchange",
    "nlp_models",
    "nlp_pii",
    "privacy",
    "register",
    "setup",
    "units",
    "users",
]

if __name__ == "__main__":
    app()

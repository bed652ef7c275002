"""The web server's access log, without what people typed into searches and forms."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

# Query parameters whose values are choices, numbers or dates; every other value (the
# search text `q`, an email, a return address...) is masked in the access log.
SAFE_QUERY_PARAMETERS = frozenset(
    {
        "site_id",
        "status",
        "perspective",
        "contact_route",
        "story_type",
        "date_from",
        "date_to",
        "sort",
        "page",
        "offset",
        "limit",
        "dry_run",
        "kind",
        "include_inactive",
        "actor_id",
        "since",
        "until",
        "action",
        "entity",
    }
)
MASK = "***"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,40}")


def mask_query(target: str) -> str:
    """A request target with the value of every free-text query parameter masked."""
    path, separator, query = target.partition("?")
    if not separator:
        return target
    return f"{path}?{'&'.join(_masked_pair(pair) for pair in query.split('&'))}"


def _masked_pair(pair: str) -> str:
    name, _, _value = pair.partition("=")
    decoded = unquote_plus(name)
    if decoded in SAFE_QUERY_PARAMETERS:
        return pair
    return f"{decoded if _PLAIN_NAME.fullmatch(decoded) else MASK}={MASK}"


class MaskQueryValues(logging.Filter):
    """Masks free-text query values in uvicorn's access log records (the target is arg 3)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_query(args[2]), *args[3:])
        return True


def server_log_config() -> dict[str, Any]:
    """uvicorn's usual logging set-up, with search terms masked in the access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask_query": {"()": MaskQueryValues}},
        "formatters": {
            "default": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(levelprefix)s %(message)s",
            },
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            },
        },
        "handlers": {
            "default": {
                "formatter": "default",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "formatter": "access",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {
                "handlers": ["access"],
                "level": "INFO",
                "propagate": False,
                "filters": ["mask_query"],
            },
        },
    }

"""Every JSON router, in the order they appear in the API docs."""

from api.routes import (
    account,
    audit,
    codebook,
    privacy,
    register,
    sites,
    stories,
    tallies,
    users,
)

ROUTERS = [
    stories.router,
    codebook.router,
    sites.router,
    account.router,
    users.router,
    audit.router,
    privacy.router,
    register.router,
    tallies.router,
]

"""Every JSON router, in the order they appear in the API docs."""

from api.routes import (
    account,
    audit,
    codebook,
    exchange,
    models,
    msc,
    msc_rounds,
    privacy,
    register,
    review,
    sites,
    stories,
    tallies,
    themes,
    users,
)

ROUTERS = [
    stories.router,
    codebook.router,
    models.router,
    review.router,
    themes.router,
    sites.router,
    account.router,
    users.router,
    audit.router,
    privacy.router,
    register.router,
    exchange.router,
    tallies.router,
    msc.router,
    msc_rounds.router,
]

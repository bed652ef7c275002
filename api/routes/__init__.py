"""Every JSON router, in the order they appear in the API docs."""

from api.routes import (
    account,
    audit,
    codebook,
    insights,
    insights_agreement,
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
    insights.router,
    themes.router,
    sites.router,
    account.router,
    users.router,
    audit.router,
    privacy.router,
    register.router,
    tallies.router,
    insights_agreement.router,
    msc.router,
    msc_rounds.router,
]

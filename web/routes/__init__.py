"""Every page router. Writing comes before reading, so /stories/new is not a story id."""

from web.routes import account, auth, stories, writing

ROUTERS = [auth.router, writing.router, stories.router, account.router]

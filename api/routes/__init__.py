"""Every JSON router, in the order they appear in the API docs."""

from api.routes import codebook, sites, stories

ROUTERS = [stories.router, codebook.router, sites.router]

"""The HTTP layer: FastAPI app factory and JSON routers under /api/v1."""

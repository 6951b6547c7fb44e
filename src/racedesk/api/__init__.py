"""The HTTP API: ``create_app(desk)``, JSON endpoints under /api/v1, Server-Sent Events."""

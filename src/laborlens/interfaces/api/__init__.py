"""The REST API and web UI (FastAPI): ``create_app(settings)`` is the app factory."""

from laborlens.interfaces.api.app import create_app

__all__ = ["create_app"]

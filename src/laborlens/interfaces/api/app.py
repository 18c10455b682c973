"""The shared server: REST API (``/api/…``, ``/match/…``), web UI (``/``) and API docs (``/docs``).

Run with ``laborlens serve`` (needs the ``api`` extra). Everything is served from this machine:
the documentation's assets come from the installed ``swagger-ui-bundle`` package, not a CDN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from laborlens.interfaces.api import models as m
from laborlens.interfaces.api import routes_cases, routes_exposure, routes_misc, routes_work, ui
from laborlens.interfaces.api.state import ServerState
from laborlens.ops.server import HANDLED_ERRORS, Server, open_server, status_for
from laborlens.settings import Settings
from laborlens.version import __version__

MAX_UPLOAD_BYTES = 2 * 1024**3

#: answers every /api route may give, documented once for all
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": m.ErrorBody, "description": "the request cannot be done as sent"},
    401: {"model": m.ErrorBody, "description": "no, unknown or expired credentials"},
    403: {"model": m.ErrorBody, "description": "the role may not do this, or CSRF missing"},
    404: {"model": m.ErrorBody, "description": "no such thing in this tenant"},
    409: {"model": m.ErrorBody, "description": "already exists"},
    503: {"model": m.ErrorBody, "description": "the database is unreachable; retry"},
}


def create_app(
    settings: Settings | None = None,
    *,
    database: str | None = None,
    processes: int = 1,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = 5_000_000,
    secure_cookies: bool = False,
) -> FastAPI:
    """Build the application.

    Args:
        settings: data folder (DuckDB file, evidence, uploads, downloaded lists) and more.
        database: ``None`` for the embedded DuckDB store, or a ``postgresql://`` URL.
        processes: 1 screens jobs in a worker process; 0 in a thread (tests).
        max_upload_bytes: larger uploads are refused while they arrive (413).
        max_rows: files with more data rows are refused before screening.
        secure_cookies: mark the session cookie ``Secure`` (behind HTTPS).
    """
    cfg = settings or Settings()
    server: Server = open_server(cfg, database, processes=processes, max_rows=max_rows)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        server.runner.start()
        try:
            yield
        finally:
            server.close()

    app = FastAPI(
        title="laborlens",
        version=__version__,
        description="Screen suppliers for forced-labour risk, review alerts, trace chains and "
        "prove absence at the border. Send `Authorization: Bearer <token>` (from `laborlens "
        "users add`) on every call except `/api/health`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.laborlens = ServerState(
        settings=cfg, store=server.store, accounts=server.accounts, runner=server.runner,
        max_upload_bytes=max_upload_bytes, secure_cookies=secure_cookies,
    )  # fmt: skip
    for router in (routes_misc.router, routes_work.router, routes_work.review, routes_cases.router,
                   routes_exposure.router, routes_misc.match_router):  # fmt: skip
        app.include_router(router, responses=COMMON_RESPONSES)
    _errors(app)
    _docs(app)
    ui.mount(app)
    return app


def _errors(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc) or 500)

    for kind in HANDLED_ERRORS:
        app.add_exception_handler(kind, domain_error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code,
                            headers=exc.headers)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        from fastapi.encoders import jsonable_encoder

        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)


def _docs(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount(
        "/static/docs",
        StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path)),
        name="docs-assets",
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="laborlens API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon-32x32.png",
        )

"""REST API and web UI over the same operations as the CLI.

Run with ``laborlens serve`` (needs the ``api`` extra: ``pip install 'laborlens[api]'``). The app
binds to localhost by default: supplier data is confidential and stays on the user's machine.
"""

from __future__ import annotations

import tempfile
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from laborlens.adapters.fetch.update import UpdateError, with_updates
from laborlens.adapters.io.readers import InputError, open_records
from laborlens.core.lists import ListError, ListSet, load_bundled, with_freshness
from laborlens.core.screen import screen_batch
from laborlens.ops.screening import index_for
from laborlens.settings import Settings
from laborlens.version import __version__

#: The largest batch one request may screen (bigger files: use the CLI).
MAX_RECORDS = 10_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ScreenRequest(BaseModel):
    records: list[dict[str, Any]] = Field(
        ..., description="rows with the columns of DESIGN.md §3.1 (synonyms accepted)"
    )
    as_of: date | None = Field(None, description="evaluation date (default today)")
    lists: list[str] | None = Field(None, description="restrict to these list ids")


def _lists(base: ListSet, ids: list[str] | None) -> ListSet:
    try:
        return base.select(ids) if ids else base
    except ListError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI application.

    Args:
        settings: run-time settings (data folder for downloaded lists, workers).
    """
    cfg = settings or Settings()
    try:
        base = with_updates(load_bundled(), cfg.data_dir)
    except (UpdateError, ValueError, OSError):
        # a broken download never stops the service; the bundled lists serve
        base = with_freshness(load_bundled(), date.today())
    app = FastAPI(title="laborlens", version=__version__)

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/lists")
    def lists() -> list[dict[str, Any]]:
        return [
            {
                "list_id": rl.info.list_id,
                "title": rl.info.title,
                "publisher": rl.info.publisher,
                "snapshot_date": rl.info.snapshot_date.isoformat()
                if rl.info.snapshot_date
                else None,
                "entries": rl.info.entries,
                "version": rl.info.version,
                "complete": rl.info.complete,
                "completeness_note": rl.info.completeness_note,
                "stale": rl.info.stale,
                "cadence": rl.info.cadence,
                "origin": rl.info.origin,
            }
            for rl in base.lists
        ]

    @app.post("/api/screen")
    def screen(req: ScreenRequest) -> dict[str, Any]:
        if len(req.records) > MAX_RECORDS:
            raise HTTPException(
                status_code=413,
                detail=f"at most {MAX_RECORDS} records per request; use the CLI for more",
            )
        from laborlens.ops.screening import screen as screen_rows

        chosen = _lists(base, req.lists)
        results = screen_rows(req.records, as_of=req.as_of, lists=chosen)
        return {
            "as_of": (req.as_of or date.today()).isoformat(),
            "lists": chosen.versions(),
            "results": [r.to_dict() for r in results],
        }

    @app.post("/api/screen/file")
    async def screen_file(
        request: Request,
        filename: Annotated[str, Query(description="name with the file's type suffix")] = (
            "upload.csv"
        ),
        as_of: Annotated[date | None, Query()] = None,
        lists: Annotated[str | None, Query(description="comma-separated list ids")] = None,
    ) -> dict[str, Any]:
        body = await request.body()
        if len(body) > MAX_UPLOAD_BYTES:
            raise HTTPException(status_code=413, detail="file too large; use the CLI")
        suffix = Path(filename).suffix.lower() or ".csv"
        chosen = _lists(base, [i for i in (lists or "").split(",") if i.strip()] or None)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(body)
            try:
                stream = open_records(path, batch_size=cfg.batch_size)
                index = index_for(chosen)
                day = as_of or date.today()
                results = [r for batch in stream for r in screen_batch(batch, index, day)]
            except InputError as exc:
                raise HTTPException(
                    status_code=422, detail=str(exc).replace(str(path), filename)
                ) from exc
        if len(results) > MAX_RECORDS * 10:
            raise HTTPException(status_code=413, detail="too many rows; use the CLI")
        return {
            "as_of": (as_of or date.today()).isoformat(),
            "lists": chosen.versions(),
            "results": [r.to_dict() for r in results],
        }

    @app.get("/", response_class=HTMLResponse)
    def ui() -> str:
        return (
            resources.files("laborlens.interfaces.api")
            .joinpath("ui.html")
            .read_text(encoding="utf-8")
        )

    return app

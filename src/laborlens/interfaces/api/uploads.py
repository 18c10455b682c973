"""Receive an uploaded file as a stream, straight to disk, refusing it once it is too big.

Two forms are accepted: a standard ``multipart/form-data`` body (a ``file`` part plus text
fields; parsed as it arrives with python-multipart) or the raw file as the body (its name in the
``filename`` query parameter). :func:`receive_files` takes several files in one multipart body.
Nothing is held in memory and nothing is screened here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request

_CHUNK_LIMIT_MESSAGE = "the upload is larger than this server accepts ({limit:,} bytes)"


@dataclass
class Upload:
    path: Path
    filename: str
    size: int
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def multipart_body(fields: dict[str, dict[str, Any]], required: tuple[str, ...] = ()) -> Any:
    """The OpenAPI ``requestBody`` of an upload endpoint (for ``openapi_extra``)."""
    props: dict[str, Any] = {"file": {"type": "string", "format": "binary"}, **fields}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", *required],
                        "properties": props,
                    }
                },
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


async def receive(request: Request, folder: Path, max_bytes: int) -> Upload:
    """Stream the request body to a file in ``folder``.

    Raises:
        HTTPException: 413 over ``max_bytes`` (checked while reading), 400 for a malformed or
            empty multipart body.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise HTTPException(413, _CHUNK_LIMIT_MESSAGE.format(limit=max_bytes))
    ctype = request.headers.get("content-type", "")
    folder.mkdir(parents=True, exist_ok=True)
    if ctype.lower().startswith("multipart/form-data"):
        return await _multipart(request, ctype, folder, max_bytes)
    return await _raw(request, folder, max_bytes)


async def _raw(request: Request, folder: Path, max_bytes: int) -> Upload:
    name = Path(request.query_params.get("filename") or "upload.csv").name or "upload.csv"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="upload-")
    path, size = Path(tmp), 0
    with open(fd, "wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                out.close()
                path.unlink(missing_ok=True)
                raise HTTPException(413, _CHUNK_LIMIT_MESSAGE.format(limit=max_bytes))
            out.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise HTTPException(400, "the request body is empty: send the file")
    return Upload(path, name, size, dict(request.query_params))


async def _multipart(request: Request, ctype: str, folder: Path, max_bytes: int) -> Upload:
    files, values = await _parts(request, ctype, folder, max_bytes)
    chosen = [f for f in files if f.field_name == b"file"]
    _drop([f for f in files if f.field_name != b"file"])
    if len(chosen) != 1 or not chosen[0].actual_file_name:
        _drop(chosen)
        raise HTTPException(400, "send exactly one file, in a form field named 'file'")
    return _upload(chosen[0], values, chosen)


async def receive_files(
    request: Request, folder: Path, max_bytes: int, names: tuple[str, ...]
) -> tuple[dict[str, list[Upload]], dict[str, str]]:
    """Stream a ``multipart/form-data`` body with several files to ``folder``.

    Returns the files by form field (only the fields in ``names``; others are dropped) and
    the text fields. The whole body counts against ``max_bytes``.

    Raises:
        HTTPException: 413 over ``max_bytes``, 400 for a body that is not multipart, is
            malformed, or holds an empty file (named).
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise HTTPException(413, _CHUNK_LIMIT_MESSAGE.format(limit=max_bytes))
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise HTTPException(400, "send the files as multipart/form-data")
    folder.mkdir(parents=True, exist_ok=True)
    files, values = await _parts(request, ctype, folder, max_bytes)
    wanted = {n.encode() for n in names}
    kept = [f for f in files if f.field_name in wanted and f.file_name]
    _drop([f for f in files if f not in kept])
    out: dict[str, list[Upload]] = {n: [] for n in names}
    try:
        for f in kept:
            out[(f.field_name or b"").decode()].append(_upload(f, values, kept))
    except HTTPException:
        _drop(kept)
        raise
    return out, values


def _upload(f: Any, values: dict[str, str], group: list[Any]) -> Upload:
    f.close()
    name = (f.file_name or b"upload.csv").decode("utf-8", "replace")
    if f.size == 0:
        _drop(group)
        raise HTTPException(400, f"{name}: the file is empty")
    path = Path((f.actual_file_name or b"").decode())
    return Upload(path, Path(name).name or "upload.csv", int(f.size), values)


async def _parts(
    request: Request, ctype: str, folder: Path, max_bytes: int
) -> tuple[list[Any], dict[str, str]]:
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import Field, File, FormParser, parse_options_header

    files: list[File] = []
    values: dict[str, str] = {}

    def on_field(f: Field) -> None:
        if f.field_name and f.value is not None:
            values[f.field_name.decode("utf-8", "replace")] = f.value.decode("utf-8", "replace")

    def on_file(f: File) -> None:
        files.append(f)

    _, params = parse_options_header(ctype)
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPException(400, "multipart body without a boundary")
    config = {"UPLOAD_DIR": str(folder), "MAX_MEMORY_FILE_SIZE": 0, "UPLOAD_DELETE_TMP": False,
              "MAX_FIELDS": 50, "MAX_FIELD_SIZE": 64 * 1024}  # fmt: skip
    parser = FormParser("multipart/form-data", on_field, on_file, boundary=boundary, config=config)
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise HTTPException(413, _CHUNK_LIMIT_MESSAGE.format(limit=max_bytes))
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        _drop(files)
        raise HTTPException(400, f"malformed multipart body: {exc}") from exc
    except HTTPException:
        _drop(files)
        raise
    return files, values


def _drop(files: list[Any]) -> None:
    for f in files:
        try:
            f.close()
        finally:
            name = getattr(f, "actual_file_name", None)
            if name:
                Path(name.decode() if isinstance(name, bytes) else name).unlink(missing_ok=True)

"""Access to the data files shipped inside the package (``laborlens/resources``).

Reading the package's own resources is the one kind of reading the core does: they are part of
the program, like its code. Everything user-supplied arrives through adapters.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

_PACKAGE = "laborlens.resources"


class ResourceError(ValueError):
    """A bundled or user-supplied resource file is malformed; the message names file and field."""


def _path(name: str) -> Any:
    return resources.files(_PACKAGE).joinpath(name)


def exists(name: str) -> bool:
    """Whether the resource ``name`` (a path relative to ``resources/``) is shipped."""
    return bool(_path(name).is_file())


def read_bytes(name: str) -> bytes:
    """The raw bytes of a shipped resource."""
    try:
        return bytes(_path(name).read_bytes())
    except FileNotFoundError as exc:
        raise ResourceError(f"resource {name} is missing from the package") from exc


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")


def sha256(name: str) -> str:
    return hashlib.sha256(read_bytes(name)).hexdigest()


@cache
def read_json(name: str) -> Any:
    """Parsed JSON of a shipped resource (cached: resources are immutable)."""
    try:
        return json.loads(read_text(name))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc


#: libyaml's loader when PyYAML was built with it (several times faster), else the Python one
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely (no Python objects), with the C loader when available.

    Raises:
        yaml.YAMLError: the text is not valid YAML.
    """
    return yaml.load(text, Loader=_YAML_LOADER)


@cache
def read_yaml(name: str) -> Any:
    """Parsed YAML of a shipped resource (cached)."""
    try:
        return load_yaml(read_text(name))
    except yaml.YAMLError as exc:
        raise ResourceError(f"{name}: invalid YAML: {exc}") from exc


def list_dir(folder: str) -> list[str]:
    """Names of the files in a resource folder, sorted."""
    base = _path(folder)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_file())

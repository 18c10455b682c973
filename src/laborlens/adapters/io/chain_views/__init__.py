"""Chain views: one drawing of a supply chain, used by ``laborlens trace`` (SVG, HTML) and by the
dossier (HTML and PDF).

:mod:`.view` says what is drawn (boxes, links, labels; large chains collapsed by tier),
:mod:`.geometry` where (Graphviz ``dot`` when installed, else the built-in :mod:`.layered`
layout), :mod:`.svg` draws it as SVG and the dossier's PDF draws the same geometry; :mod:`.page`
is the trace's HTML page.
"""

from __future__ import annotations

from laborlens.adapters.io.chain_views.geometry import (
    Drawing,
    Rect,
    dot_available,
    fit_layout,
    layout,
)
from laborlens.adapters.io.chain_views.page import render_html, render_svg
from laborlens.adapters.io.chain_views.svg import draw_svg
from laborlens.adapters.io.chain_views.view import Box, Link, View, chain_view, trace_view

__all__ = [
    "Box",
    "Drawing",
    "Link",
    "Rect",
    "View",
    "chain_view",
    "dot_available",
    "draw_svg",
    "fit_layout",
    "layout",
    "render_html",
    "render_svg",
    "trace_view",
]

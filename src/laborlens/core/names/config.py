"""Thresholds and limits of name matching (``MatchConfig``) and the bands."""

from __future__ import annotations

from dataclasses import dataclass

from laborlens.core.model import MatchBand

ALGORITHM = "names-v2"


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds and limits of ``names-v2`` (documented in docs/names.md).

    Attributes:
        strong: score from which a match is ``strong``.
        possible: score from which a match is ``possible`` (below: no finding).
        related: minimum share of a listed entry's distinctive core the record must carry for a
            ``related_party`` finding.
        max_candidates: reference names fully compared per query name (after blocking).
        max_cross_candidates: further reference names compared because a short form or a
            cross-script rendering may link them (names-v2 keys ``S:``, ``Y:``, ``G:``).
        max_posting: blocking keys shared by more reference names than this are not used to
            generate candidates (they still count in the score), unless no other key exists.
        generate_share: only tokens carrying at least this share of the query's weight
            generate candidates (and any token shared by at most 16 reference names; the
            query's most distinctive word up to 5 × ``max_posting``).
        max_name_chars: longer names are cut (with a row error) before analysis.
        persons_vs_orgs: also compare names that look like organisations with person entries.
        assets_vs_orgs: also compare names that look like organisations (or are written in
            Han script) with vessel and aircraft entries.
    """

    strong: float = 0.86
    possible: float = 0.70
    related: float = 0.99
    max_candidates: int = 10
    max_cross_candidates: int = 6
    max_posting: int = 60
    generate_share: float = 0.15
    max_name_chars: int = 512
    persons_vs_orgs: bool = False
    assets_vs_orgs: bool = False


DEFAULT_CONFIG = MatchConfig()


def band(score: float, config: MatchConfig = DEFAULT_CONFIG) -> MatchBand | None:
    """``strong``, ``possible`` or ``None`` for a score."""
    if score >= config.strong:
        return "strong"
    if score >= config.possible:
        return "possible"
    return None

"""What screening found about each node, kept compactly for tracing at any size.

:class:`Screened` holds, per node, its country and its own findings as ids into one table of
distinct findings (a finding shared by many nodes — the same goods-list entry, the same address —
is one object), plus the screening's row problems. It is filled one result at a time, so results
can be dropped as soon as they are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.model import Finding, RowError, ScreenResult


def node_country(res: ScreenResult) -> str | None:
    """The country a trace uses for a node: the screening's (upper-cased), else ``CN`` when a
    Chinese region was found."""
    if res.country:
        return res.country.upper()
    if any(f.kind == "region" and (f.region or "").startswith("CN-") for f in res.findings):
        return "CN"
    return None


@dataclass(slots=True)
class Screened:
    """Per node: country, own finding ids (CSR over ``fid``) and screening row problems."""

    findings: list[Finding] = field(default_factory=list)
    fid: list[int] = field(default_factory=list)
    ptr: list[int] = field(default_factory=lambda: [0])
    countries: list[str | None] = field(default_factory=list)
    errors: dict[int, tuple[RowError, ...]] = field(default_factory=dict)
    _ids: dict[object, int] = field(default_factory=dict)
    _names: dict[str | None, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Iterable[ScreenResult]) -> Screened:
        out = cls()
        for r in results:
            out.add(r)
        return out

    def __len__(self) -> int:
        return len(self.countries)

    def finding_id(self, f: Finding) -> int:
        """The id of a finding (equal findings share one)."""
        try:
            key: object = f
            hit = self._ids.get(key)
        except TypeError:  # a finding with a list in its details cannot be hashed
            key = repr(f)
            hit = self._ids.get(key)
        if hit is None:
            hit = self._ids[key] = len(self.findings)
            self.findings.append(f)
        return hit

    def add(self, res: ScreenResult) -> None:
        """Append the next node's screening result."""
        v = len(self.countries)
        c = node_country(res)
        self.countries.append(self._names.setdefault(c, c))  # one string per country
        self.fid.extend(self.finding_id(f) for f in res.findings)
        self.ptr.append(len(self.fid))
        if res.errors:
            self.errors[v] = res.errors

    def own(self, v: int) -> list[Finding]:
        return [self.findings[i] for i in self.fid[self.ptr[v] : self.ptr[v + 1]]]

    def arrays(self) -> tuple[g.IntArray, g.IntArray]:
        """``(ptr, fid)`` as arrays."""
        return np.asarray(self.ptr, dtype=np.int64), np.asarray(self.fid, dtype=np.int64)

    def node_errors(self, v: int) -> Sequence[RowError]:
        return self.errors.get(v, ())

    def spread(self, group: g.IntArray, errors: Mapping[int, tuple[RowError, ...]]) -> Screened:
        """Per node the screening of its group (this object holds one entry per group), with
        each node's own row problems (``errors``, by node)."""
        ptr, fid = self.arrays()
        group = np.asarray(group, dtype=np.int64)
        counts = np.diff(ptr)[group]
        new_ptr = np.zeros(group.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=new_ptr[1:])
        starts = np.repeat(ptr[group] - new_ptr[:-1], counts)
        new_fid = fid[np.arange(int(new_ptr[-1]), dtype=np.int64) + starts]
        return Screened(
            findings=self.findings,
            fid=new_fid.tolist(),
            ptr=new_ptr.tolist(),
            countries=[self.countries[k] for k in group.tolist()],
            errors=dict(errors),
            _ids=self._ids,
            _names=self._names,
        )

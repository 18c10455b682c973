"""Atomic outputs and leftovers of killed runs (laborlens.adapters.io.atomic)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from laborlens.adapters.io.atomic import (
    PARTIAL_SUFFIX,
    atomic_output,
    partial_path,
    sweep_leftovers,
)


def test_success_replaces_the_target_in_one_rename(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with atomic_output(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(PARTIAL_SUFFIX)
        tmp.write_text("new\n")
        assert target.read_text() == "old\n"  # nothing visible until the end
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failure_keeps_the_old_target_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_missing_folder_is_an_oserror_naming_the_target(tmp_path: Path) -> None:
    target = tmp_path / "no" / "out.csv"
    with pytest.raises(OSError, match="No such file or directory") as info, atomic_output(target):
        pass
    assert info.value.filename == str(target)


def test_sweep_removes_dead_leftovers_and_reports_live_ones(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    dead = tmp_path / f".out.csv.999999{PARTIAL_SUFFIX}"
    dead.write_bytes(b"x" * 10)
    other = tmp_path / f".other.xlsx.999998{PARTIAL_SUFFIX}"
    other.write_bytes(b"y")
    legacy = tmp_path / ".out.csv.partial"
    legacy.write_bytes(b"z")
    live = tmp_path / f".out.csv.999997{PARTIAL_SUFFIX}"
    live.write_bytes(b"w")
    unrelated = tmp_path / "keep.partial"
    unrelated.write_bytes(b"k")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a run that is still writing holds it
    try:
        notes = sweep_leftovers(target)
    finally:
        os.close(fd)
    assert not dead.exists() and not other.exists() and not legacy.exists()
    assert live.exists() and unrelated.exists()
    assert len(notes) == 4
    assert any("being written by another laborlens run (process 999997)" in n for n in notes)
    assert any(f"removed {dead} (10 bytes)" in n for n in notes)
    # a second sweep finds the live file unlocked now: removed
    assert sweep_leftovers(target) == [f"removed {live} (1 bytes), left by an interrupted run"]


def test_own_temporary_is_never_swept(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_output(target) as tmp:
        tmp.write_text("x")
        assert sweep_leftovers(target) == []
        assert tmp == partial_path(target)


def test_folder_is_swapped_in_only_when_complete(tmp_path: Path) -> None:
    from laborlens.adapters.io.atomic import atomic_folder

    target = tmp_path / "dossier"
    target.mkdir()
    (target / "manifest.json").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(target) as stage:
        (stage / "manifest.json").write_text("half")
        raise RuntimeError("boom")
    assert (target / "manifest.json").read_text() == "old"
    with atomic_folder(target) as stage:
        (stage / "manifest.json").write_text("new")
        assert (target / "manifest.json").read_text() == "old"
    assert (target / "manifest.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier"]
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]


def test_sweep_removes_a_dead_staging_folder(tmp_path: Path) -> None:
    stage = tmp_path / f".dossier.999999{PARTIAL_SUFFIX}"
    (stage / "exhibits").mkdir(parents=True)
    (stage / ".laborlens-lock").write_text("")
    notes = sweep_leftovers(tmp_path / "dossier")
    assert notes == [f"removed folder {stage}, left by an interrupted run"]
    assert not stage.exists()

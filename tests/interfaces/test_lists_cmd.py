"""``laborlens lists`` and its sub-commands, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

runner = CliRunner()
BUNDLED = (
    "us_uflpa_entity_list",
    "us_cbp_wro_findings",
    "us_ofac_sdn",
    "us_bis_entity_list",
    "us_dol_tvpra",
)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LABORLENS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_table_shows_the_lists_with_dates_freshness_and_notes() -> None:
    result = runner.invoke(app, ["lists"])
    assert result.exit_code == 0, result.output
    for list_id in BUNDLED:
        assert list_id in result.stdout
    assert "THIRD-PARTY PARSE" in result.stdout and "PARTIAL" not in result.stdout
    assert "2026-07-09" in result.stdout and "14,965" in result.stdout
    assert "STALE" in result.stdout  # the 2024 OFAC file is older than OFAC's cadence


def test_json_format_has_freshness_fields() -> None:
    result = runner.invoke(app, ["lists", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == list(BUNDLED)
    for d in data:
        assert {
            "snapshot_date",
            "published",
            "version",
            "complete",
            "stale",
            "cadence",
            "cadence_days",
            "origin",
        } <= set(d)
        assert d["version"].startswith(d["snapshot_date"])
    ofac = data[2]
    assert ofac["stale"] is True and ofac["completeness_note"].startswith("STALE: snapshot")


def test_user_lists_are_shown(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_text("name,list\nFoo Ltd,red\nBar Ltd,amber\nBaz Ltd,red\n", encoding="utf-8")
    result = runner.invoke(app, ["lists", "--list-file", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    users = {d["id"]: d for d in json.loads(result.stdout) if d["user"]}
    assert set(users) == {"red", "amber"} and users["red"]["rows"] == 2


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["lists", "--format", "xml"])
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.stderr
    missing = runner.invoke(app, ["lists", "--list-file", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "none.csv: file not found" in missing.stderr
    clash = tmp_path / "us_ofac_sdn.csv"
    clash.write_text("name\nFoo\n", encoding="utf-8")
    reused = runner.invoke(app, ["lists", "--list-file", str(clash)])
    assert reused.exit_code == 2 and "already in use" in reused.stderr


def test_update_failure_is_a_clean_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from laborlens.adapters.fetch import update

    def offline(url: str, timeout: float = 60.0) -> bytes:
        raise update.UpdateError(f"could not download {url}: network is unreachable")

    monkeypatch.setattr(update, "http_fetch", offline)
    res = runner.invoke(app, ["lists", "update", "us_uflpa_entity_list"])
    assert res.exit_code == 2
    assert "could not download" in res.output and "Traceback" not in res.output


def _ftm(tmp_path: Path, n: int = 3) -> Path:
    lines = [
        {
            "id": f"c{i}",
            "schema": "Company",
            "properties": {"name": [f"Example Watch {i} Co., Ltd."], "country": ["cn"]},
        }
        for i in range(n)
    ]
    path = tmp_path / "watch.ftm.json"
    path.write_text("\n".join(json.dumps(o) for o in lines), encoding="utf-8")
    return path


def test_import_history_diff_and_reset(tmp_path: Path) -> None:
    path = _ftm(tmp_path)
    res = runner.invoke(app, ["lists", "import", str(path), "--as", "watch"])
    assert res.exit_code == 0, res.output
    assert "watch: 3 entries (was 0) imported" in res.stdout
    shown = json.loads(runner.invoke(app, ["lists", "--format", "json"]).stdout)
    assert {d["id"]: d["origin"] for d in shown}["watch"] == "imported"
    hist = runner.invoke(app, ["lists", "history"])
    assert "import: watch.ftm.json as watch" in hist.stdout
    path2 = _ftm(tmp_path, 4)
    runner.invoke(app, ["lists", "import", str(path2), "--as", "watch"])
    first = hist.stdout.split()[0]
    diff = runner.invoke(app, ["lists", "diff", first, "current", "--list", "watch"])
    assert diff.exit_code == 0, diff.output
    assert "1 added, 0 removed" in diff.stdout and "Example Watch 3 Co., Ltd." in diff.stdout
    as_json = json.loads(
        runner.invoke(app, ["lists", "diff", first, "current", "--format", "json"]).stdout
    )
    assert [c["kind"] for d in as_json for c in d["changes"]] == ["added"]
    reset = runner.invoke(app, ["lists", "reset"])
    assert reset.exit_code == 0 and "bundled lists in use" in reset.stdout
    ids = [d["id"] for d in json.loads(runner.invoke(app, ["lists", "--format", "json"]).stdout)]
    assert ids == list(BUNDLED)


def test_import_refusals_and_corrupt_state_exit_2(tmp_path: Path, _data_dir: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    res = runner.invoke(app, ["lists", "import", str(empty), "--as", "watch"])
    assert res.exit_code == 2 and "the file is empty" in res.stderr
    runner.invoke(app, ["lists", "import", str(_ftm(tmp_path)), "--as", "watch"])
    version = next((_data_dir / "lists" / "versions").iterdir())
    (version / "manifest.json").write_text("{not json")
    for args in (["lists"], ["screen", str(tmp_path / "none.csv")]):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2 and "Traceback" not in bad.output
    bad = runner.invoke(app, ["lists"])
    line = bad.stderr.strip()
    assert "\n" not in line and "run 'laborlens lists reset'" in line
    assert runner.invoke(app, ["lists", "reset"]).exit_code == 0
    assert runner.invoke(app, ["lists"]).exit_code == 0


def test_export_ftm(tmp_path: Path) -> None:
    out = tmp_path / "lists.ftm.json"
    res = runner.invoke(
        app,
        [
            "lists",
            "export",
            "--format",
            "ftm",
            "--list",
            "us_uflpa_entity_list",
            "--list",
            "us_cbp_wro_findings",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    objs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    parties = [o for o in objs if o["schema"] != "Sanction"]
    assert len(parties) == 144 + 74
    assert "us_cbp_wro_findings: 74 entities (5 orders/goods without an FtM form" in res.stderr
    bad = runner.invoke(app, ["lists", "export", "--format", "csv"])
    assert bad.exit_code == 2 and "use ftm" in bad.stderr


def test_list_file_formats(tmp_path: Path) -> None:
    import os

    lines = [{"id": "x", "schema": "Company", "properties": {"name": ["Example Only Co., Ltd."]}}]
    path = tmp_path / "watch.ftm.json"
    path.write_text(json.dumps(lines[0]), encoding="utf-8")
    args = ["lists", "--format", "json", "--list-file", str(path)]
    root = Path(__file__).resolve().parents[2]
    page = Path(os.environ.get("LABORLENS_SHARED_DIR", root.parent / "shared")) / (
        "data/sources/dhs/uflpa-entity-list-page-2026-07-09.html"
    )
    if page.is_file():
        args += ["--list-file", str(page)]
    data = {d["id"]: d for d in json.loads(runner.invoke(app, args).stdout)}
    assert data["watch_ftm"]["user"] and data["watch_ftm"]["entries"] == 1  # a generic format
    if page.is_file():  # the official page stands in for the bundled list of its id
        uflpa = data["us_uflpa_entity_list"]
        assert uflpa["origin"] == "user" and not uflpa["user"] and uflpa["entries"] == 144

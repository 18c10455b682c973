"""``laborlens case|evidence|dossier|audit``: the detention-to-dossier flow through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "core" / "evidence"))
import example_case as ex

from laborlens.interfaces.cli.main import app
from laborlens.ops.evidence import EvidenceService
from laborlens.settings import Settings

runner = CliRunner()


def _run(data: Path, *args: str) -> Any:
    return runner.invoke(
        app, list(args), env={"LABORLENS_DATA_DIR": str(data), "LABORLENS_USER": "analyst"}
    )


def _ok(data: Path, *args: str) -> Any:
    res = _run(data, *args)
    assert res.exit_code == 0, (args, res.output)
    return res


def _bad(data: Path, *args: str, code: int = 2) -> str:
    res = _run(data, *args)
    assert res.exit_code == code, (args, res.output)
    assert "Traceback" not in res.output
    return str(res.output)


def _open_case(data: Path) -> None:
    _ok(data, "case", "create", "C1", "--chain", str(ex.CHAIN), "--title", "T-shirts")
    _ok(
        data,
        "case",
        "shipment",
        "C1",
        "--entry-number",
        ex.SHIPMENT_ID,
        "--goods",
        "cotton T-shirts",
        "--hs-code",
        "6109.10.0012",
        "--quantity",
        "40000",
        "--unit",
        "pcs",
        "--ship-date",
        "2026-09-16",
        "--arrival-date",
        "2026-09-30",
    )
    res = _ok(data, "case", "detain", "C1", "--notice-date", "2026-10-02", "--port", "Los Angeles")
    assert "respond by 2026-11-01" in res.output


def test_detained_shipment_to_dossier(tmp_path: Path) -> None:
    data = tmp_path / "store"
    _open_case(data)
    rows = ex.plan()
    # The entry's documents through the CLI; the other tiers through the Python API (same
    # store), which keeps this test fast: each CLI call rebuilds the typer command tree.
    for r in rows[:7]:
        _ok(data, "evidence", "add", *ex.cli_args(r))
    svc = EvidenceService(Settings(data_dir=data, user="analyst"))
    ex.register(svc, rows[7:])
    svc.close()
    gaps = json.loads(
        _ok(
            data,
            "evidence",
            "gaps",
            "C1",
            "--path",
            "applicability_review",
            "--as-of",
            "2026-10-10",
            "--format",
            "json",
        ).output
    )
    assert gaps["ready"] is True and gaps["gaps"] == []
    exc = json.loads(
        _ok(
            data,
            "evidence",
            "gaps",
            "C1",
            "--path",
            "exception_request",
            "--as-of",
            "2026-10-10",
            "--format",
            "json",
        ).output
    )
    assert exc["ready"] is False and exc["counts"]["blocking"] > 0
    table = _ok(
        data, "evidence", "gaps", "C1", "--path", "exception_request", "--as-of", "2026-10-10"
    )
    assert "blocking" in table.output and "respond by 2026-11-01" in table.output
    out = tmp_path / "dossier"
    _ok(
        data,
        "dossier",
        "build",
        "C1",
        "--path",
        "applicability_review",
        "--output",
        str(out),
        "--as-of",
        "2026-10-10",
        "--strict",
    )
    res = _ok(data, "dossier", "verify", str(out))
    assert f"{len(rows) + 4} files verified" in res.output
    assert len(list((out / "exhibits").iterdir())) == len(rows)
    _bad(
        data,
        "dossier",
        "build",
        "C1",
        "--path",
        "exception_request",
        "--output",
        str(tmp_path / "d2"),
        "--strict",
    )
    _ok(data, "case", "status", "C1", "submitted", "--note", "filed with the Center")
    listing = json.loads(_ok(data, "case", "list", "--format", "json").output)
    assert listing[0]["status"] == "submitted"
    assert "submitted" in _ok(data, "case", "show", "C1").output
    log = json.loads(_ok(data, "audit", "list", "--format", "json").output)
    actions = [r["action"] for r in log]
    assert actions.count("evidence.register") == len(rows) and "dossier.build" in actions
    assert all(r["actor"] == "analyst" and r["list_versions"] and r["algorithms"] for r in log)
    assert "intact" in _ok(data, "audit", "verify").output
    # A tampered dossier fails verification.
    victim = sorted((out / "exhibits").iterdir())[0]
    victim.write_bytes(b"swapped")
    assert victim.name in _bad(data, "dossier", "verify", str(out), code=1)


def _tamper(data: Path, sql: str) -> None:
    con = duckdb.connect(str(data / "laborlens.duckdb"))
    con.execute(sql)
    con.close()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", "edited"),
        ("DELETE FROM audit_log WHERE seq = 2", "missing"),
        ("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", "deleted"),
    ],
)
def test_audit_verify_detects_edits_and_deletions(tmp_path: Path, sql: str, expected: str) -> None:
    data = tmp_path / "store"
    _open_case(data)
    _ok(data, "audit", "record", "decision", "C1", "--note", "file an applicability review")
    assert "intact" in _ok(data, "audit", "verify").output
    _tamper(data, sql)
    assert expected in _bad(data, "audit", "verify", code=1)


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    data = tmp_path / "store"
    missing = _bad(data, "case", "create", "C1", "--chain", str(tmp_path / "nope.json"))
    assert "no such file" in missing
    broken = tmp_path / "broken.json"
    broken.write_text('{"nodes": [{"id": "A"}], "edges": [{"from": "A", "to": "B"}]}')
    assert "unknown node id 'B'" in _bad(data, "case", "create", "C1", "--chain", str(broken))
    _open_case(data)
    assert "already exists" in _bad(data, "case", "create", "C1", "--chain", str(ex.CHAIN))
    doc = ex.DOCUMENTS / "gin_invoice.txt"
    assert "file not found" in _bad(
        data, "evidence", "add", str(tmp_path / "x.pdf"), "--type", "invoice", "--case", "C1"
    )
    assert "did you mean" in _bad(
        data, "evidence", "add", str(doc), "--type", "invioce", "--case", "C1"
    )
    assert "not in case C1" in _bad(
        data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C1", "--node", "XJ"
    )
    assert "not in case C1" in _bad(
        data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C1", "--edge", "A->B"
    )
    assert "unknown case" in _bad(
        data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C9"
    )
    assert "not a date" in _bad(
        data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C1", "--date", "1/2/2026"
    )
    assert "not a node" in _bad(
        data,
        "evidence",
        "add",
        str(doc),
        "--type",
        "supply_chain_map",
        "--case",
        "C1",
        "--node",
        "GIN",
    )
    _ok(
        data,
        "evidence",
        "add",
        str(doc),
        "--type",
        "invoice",
        "--case",
        "C1",
        "--edge",
        "GIN->SPIN",
    )
    assert "already registered in case C1 as D0001" in _bad(
        data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C1"
    )
    # The same file in another case is legitimate reuse (e.g. a due diligence policy).
    _ok(data, "case", "create", "C2", "--chain", str(ex.CHAIN))
    _ok(data, "evidence", "add", str(doc), "--type", "invoice", "--case", "C2")
    assert "unknown status" in _bad(data, "case", "status", "C1", "lost")
    assert "unknown response path" in _bad(data, "evidence", "gaps", "C1", "--path", "appeal")
    assert "unknown format" in _bad(data, "evidence", "list", "--format", "xml")
    assert "reason" in _bad(data, "evidence", "remove", "D0001", "--reason", " ")
    assert "unknown document" in _bad(data, "evidence", "remove", "D0404", "--reason", "x")
    assert "no shipment 'S9'" in _bad(
        data, "case", "detain", "C1", "--notice-date", "2026-10-02", "--shipment", "S9"
    )


def test_registry_list_search_remove_and_changed_files(tmp_path: Path) -> None:
    data = tmp_path / "store"
    _open_case(data)
    mine = tmp_path / "mill_cert.txt"
    shutil.copy(ex.DOCUMENTS / "gin_production.txt", mine)
    _ok(
        data,
        "evidence",
        "add",
        str(mine),
        "--type",
        "production_record",
        "--case",
        "C1",
        "--node",
        "GIN",
        "--issuer",
        "South Plains Gin LLC",
    )
    _ok(
        data,
        "evidence",
        "add",
        str(ex.DOCUMENTS / "farm_origin.txt"),
        "--type",
        "farm record",
        "--case",
        "C1",
        "--node",
        "FARM",
        "--producer",
        "Lubbock Growers Cooperative",
    )
    listed = json.loads(_ok(data, "evidence", "list", "--case", "C1", "--format", "json").output)
    assert [d["doc_type"] for d in listed] == [
        "production_record",
        "raw_material_extraction_record",
    ]
    found = json.loads(_ok(data, "evidence", "search", "plains gin", "--format", "json").output)
    assert [d["doc_id"] for d in found] == ["D0001"]
    assert "2 document(s) verified" in _ok(data, "evidence", "verify", "--sources").output
    # The original file changes after registration: reported, the stored copy is still intact.
    mine.write_text("edited later")
    out = _bad(data, "evidence", "verify", "--sources", code=1)
    assert "changed after registration" in out
    # The stored copy is edited: verification fails and the gap analysis blocks on it.
    stored = next((data / "evidence" / "objects").rglob("*"))
    while stored.is_dir():
        stored = next(stored.iterdir())
    os.chmod(stored, 0o644)
    stored.write_text("forged")
    assert "modified" in _bad(data, "evidence", "verify", code=1)
    gaps = json.loads(_ok(data, "evidence", "gaps", "C1", "--format", "json").output)
    assert gaps["gaps"][0]["kind"] == "altered"
    _ok(data, "evidence", "remove", "D0002", "--reason", "wrong farm")
    assert len(json.loads(_ok(data, "evidence", "list", "--format", "json").output)) == 1
    assert len(json.loads(_ok(data, "evidence", "list", "--all", "--format", "json").output)) == 2
    log = json.loads(_ok(data, "audit", "list", "--format", "json").output)
    assert log[-1]["action"] == "evidence.remove" and log[-1]["details"]["reason"] == "wrong farm"
    assert "commercial_invoice" in _ok(data, "evidence", "types").output


def test_screening_names_the_nexus_and_gaps_rank_it_first(tmp_path: Path) -> None:
    data = tmp_path / "store"
    chain = tmp_path / "chain.json"
    chain.write_text(
        json.dumps(
            {
                "nodes": [
                    {
                        "id": "gin",
                        "name": "Example Aksu Ginning Co.",
                        "role": "cotton ginner",
                        "address": "Aksu, Xinjiang Uygur Autonomous Region, China",
                        "country": "CN",
                    },
                    {
                        "id": "mill",
                        "name": "Example Spinning Co.",
                        "role": "spinning mill",
                        "address": "Nantong, Jiangsu, China",
                        "country": "CN",
                    },
                    {
                        "id": "imp",
                        "name": "Example Importer Inc.",
                        "role": "importer",
                        "country": "US",
                    },
                ],
                "edges": [
                    {
                        "from": "gin",
                        "to": "mill",
                        "product": "cotton lint",
                        "hs_code": "5201",
                        "quantity": 100,
                        "unit": "t",
                    },
                    {
                        "from": "mill",
                        "to": "imp",
                        "product": "cotton yarn",
                        "hs_code": "5205",
                        "quantity": 80,
                        "unit": "t",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    _ok(data, "case", "create", "X1", "--chain", str(chain))
    _ok(
        data,
        "case",
        "shipment",
        "X1",
        "--entry-number",
        "E-9",
        "--quantity",
        "80",
        "--unit",
        "t",
        "--ship-date",
        "2025-03-01",
    )
    screened = json.loads(
        _ok(data, "case", "screen", "X1", "--as-of", "2025-04-01", "--format", "json").output
    )
    assert "gin" in screened["nexus"] and "mill" not in screened["nexus"]
    gaps = json.loads(
        _ok(data, "evidence", "gaps", "X1", "--as-of", "2025-04-01", "--format", "json").output
    )
    assert (gaps["gaps"][0]["kind"], gaps["gaps"][0]["subject_id"]) == ("nexus", "gin")
    fast = json.loads(
        _ok(
            data,
            "evidence",
            "gaps",
            "X1",
            "--as-of",
            "2025-04-01",
            "--no-trace",
            "--format",
            "json",
        ).output
    )
    assert all(g["kind"] != "nexus" for g in fast["gaps"])
    log = json.loads(_ok(data, "audit", "list", "--format", "json").output)
    assert log[-1]["action"] == "screen" and "gin" in log[-1]["details"]["nexus"]


def test_audit_verify_detects_a_deleted_head(tmp_path: Path) -> None:
    data = tmp_path / "store"
    _open_case(data)
    (data / "audit.head").unlink()
    assert "head is missing" in _bad(data, "audit", "verify", code=1)


def test_chain_folder_with_csv_files(tmp_path: Path) -> None:
    data = tmp_path / "store"
    folder = tmp_path / "chain"
    folder.mkdir()
    (folder / "nodes.csv").write_text(
        "\ufeffid,name,role,country\nF,Farm Co,farm,US\nM,Mill Co,spinning mill,VN\n"
        "I,Importer Inc,importer,US\nP,Parent Holdings,holding,VN\n",
        encoding="utf-8",
    )
    (folder / "edges.csv").write_text(
        "from,to,type,product,quantity,unit\nF,M,material,cotton,10,t\nM,I,material,yarn,9000,kg\n"
        "P,M,ownership,,,\n",
        encoding="utf-8",
    )
    res = _ok(data, "case", "create", "F1", "--chain", str(folder))
    assert "4 parties, 2 flows" in res.output
    shown = json.loads(_ok(data, "case", "show", "F1", "--format", "json").output)
    assert shown["nodes"] == 4 and shown["edges"] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "missing nodes.csv" in _bad(data, "case", "create", "F2", "--chain", str(empty))

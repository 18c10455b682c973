"""``lists update`` / ``lists import``: real formats, all-or-nothing versions, bad inputs.

Every test checks that a refused update or import leaves the lists in use exactly as they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.fetch import store, update
from laborlens.core.lists import load_bundled
from laborlens.ops.screening import screen

TODAY = date(2026, 7, 10)


def _fetcher(
    served: dict[str, bytes], broken: dict[str, bytes] | None = None
) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        data = (broken or {}).get(url, served.get(url))
        if data is None:
            raise update.UpdateError(f"could not download {url}: 404")
        return data

    return fetch


def _state(data_dir: Path) -> tuple[str | None, list[str]]:
    pointer = data_dir / "lists" / store.POINTER
    return (
        pointer.read_text() if pointer.exists() else None,
        sorted(v.name for v in store.versions(data_dir)),
    )


def test_update_all_lists_into_one_new_version(tmp_path: Path, publisher: dict[str, bytes]) -> None:
    reports = update.update_lists(tmp_path, fetch=_fetcher(publisher), today=TODAY)
    got = {r.list_id: r.entries for r in reports}
    assert got == {
        "us_uflpa_entity_list": 144,
        "us_cbp_wro_findings": 79,
        "us_ofac_sdn": 14965,
        "us_bis_entity_list": 3409,
    }
    version = store.current(tmp_path)
    assert version is not None and len(store.versions(tmp_path)) == 1
    lists = update.with_updates(load_bundled(), tmp_path, today=TODAY)
    info = lists.info("us_cbp_wro_findings")
    assert info.origin == "downloaded" and info.snapshot_date == TODAY and not info.stale
    raw = version.manifest["lists"][1]["sources"][0]
    assert raw["format"] == "cbp_csv" and len(raw["sha256"]) == 64
    # the downloaded lists decide like the bundled ones
    xj = lists.get("us_bis_entity_list").entries
    assert sum(1 for e in xj if e.prop("listing_reason")) == 70


def _broken_page(page: bytes, how: str) -> bytes:
    text = page.decode("utf-8")
    if how == "truncated":
        return text[: text.index("Zhuhai Pantum")].encode()
    if how == "reordered":
        return text.replace(
            "<th>Name of Entity</th><th>Effective Date</th>",
            "<th>Effective Date</th><th>Name of Entity</th>",
        ).encode()
    if how == "empty":
        return b""
    if how == "html_changed":  # the tables become lists
        return text.replace("<table>", "<ul>").replace("</table>", "</ul>").encode()
    raise AssertionError(how)


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("truncated", "the page is truncated"),
        ("reordered", "expected the header 'Name of Entity' or 'Entity Name' | 'Effective Date'"),
        ("empty", "expected entity tables"),
        ("html_changed", "expected entity tables"),
    ],
)
def test_broken_dhs_page_changes_nothing(
    tmp_path: Path, publisher: dict[str, bytes], how: str, expected: str
) -> None:
    update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=_fetcher(publisher), today=TODAY)
    before = _state(tmp_path)
    broken = {update.UFLPA_URL: _broken_page(publisher[update.UFLPA_URL], how)}
    with pytest.raises(
        update.UpdateError,
        match=expected.replace("(", r"\(").replace(")", r"\)").replace("|", r"\|"),
    ):
        update.update_lists(tmp_path, fetch=_fetcher(publisher, broken), today=TODAY)
    assert _state(tmp_path) == before
    assert update.with_updates(load_bundled(), tmp_path).info("us_uflpa_entity_list").entries == 144


@pytest.mark.parametrize(
    ("url_key", "damage", "expected"),
    [
        ("csv", lambda b: b[: len(b) // 3], "expected at least 30 orders"),
        ("csv", lambda b: b"", "expected the columns Country, Entity"),
        ("csv", lambda b: b.replace(b"WRO/Finding", b"Type", 1), "missing WRO/Finding"),
        ("sdn", lambda b: b[:20_000] + b'\n99,"X",-0-\n', "expected 12 columns"),
        ("sdn", lambda b: b"", "expected at least 1000 entries"),
        ("csl", lambda b: b[:5000], "expected at least 500 Entity List entries"),
    ],
)
def test_one_broken_list_stops_the_whole_update(
    tmp_path: Path,
    publisher: dict[str, bytes],
    url_key: str,
    damage: Callable[[bytes], bytes],
    expected: str,
) -> None:
    url = next(
        u
        for u in publisher
        if u.lower().endswith(
            {"csv": "2026-06-23.csv", "sdn": "sdn.csv", "csl": "consolidated.csv"}[url_key]
        )
    )
    broken = {url: damage(publisher[url])}
    with pytest.raises(update.UpdateError, match=expected):
        update.update_lists(tmp_path, fetch=_fetcher(publisher, broken), today=TODAY)
    assert _state(tmp_path) == (None, [])  # the good lists fetched first were not stored


def test_a_failed_download_changes_nothing(tmp_path: Path, publisher: dict[str, bytes]) -> None:
    served = {k: v for k, v in publisher.items() if k != update.BIS_CSL_URL}
    with pytest.raises(update.UpdateError, match="could not download"):
        update.update_lists(tmp_path, fetch=_fetcher(served), today=TODAY)
    assert _state(tmp_path) == (None, [])


def test_suspiciously_small_copy_is_refused(tmp_path: Path, publisher: dict[str, bytes]) -> None:
    page = publisher[update.UFLPA_URL].decode()
    start = page.index("<tr><td>Aksu Biaoxin")
    small = page[:start] + page[page.index("</tbody>", start) :]  # (v) table emptied of rows
    with pytest.raises(update.UpdateError, match="section \\(v\\) table has no rows"):
        update.update_lists(
            tmp_path, ["us_uflpa_entity_list"], fetch=_fetcher({update.UFLPA_URL: small.encode()})
        )
    with pytest.raises(update.UpdateError, match="cannot update us_dol_tvpra"):
        update.update_lists(tmp_path, ["us_dol_tvpra"], fetch=_fetcher(publisher))


def test_interrupted_commit_leaves_the_version_in_use(
    tmp_path: Path, publisher: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=_fetcher(publisher), today=TODAY)
    before = _state(tmp_path)
    real = store._write

    def failing(path: Path, data: bytes) -> None:
        if path.name == "manifest.json":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(store, "_write", failing)
    with pytest.raises(update.UpdateError, match="the lists in use are unchanged"):
        update.update_lists(tmp_path, ["us_ofac_sdn"], fetch=_fetcher(publisher), today=TODAY)
    assert _state(tmp_path) == before
    assert not list((tmp_path / "lists" / "versions").glob(".tmp-*"))


def test_corrupt_manifest_one_line_with_the_way_out(
    tmp_path: Path, publisher: dict[str, bytes]
) -> None:
    update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=_fetcher(publisher), today=TODAY)
    version = store.current(tmp_path)
    assert version is not None
    (version.path / "manifest.json").write_text('{"lists": [{"list_id": "x"', encoding="utf-8")
    with pytest.raises(update.UpdateError) as err:
        update.load_updated(tmp_path)
    message = str(err.value)
    assert "\n" not in message and "run 'laborlens lists reset'" in message
    (version.path / "manifest.json").write_text('{"lists": [{"list_id": "x"}]}')
    with pytest.raises(update.UpdateError, match="lacks title, publisher"):
        update.load_updated(tmp_path)
    assert store.reset(tmp_path) == version.name
    assert update.load_updated(tmp_path) == []


def test_tampered_list_file_is_detected(tmp_path: Path, publisher: dict[str, bytes]) -> None:
    update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=_fetcher(publisher), today=TODAY)
    version = store.current(tmp_path)
    assert version is not None
    f = version.path / "us_uflpa_entity_list.jsonl"
    f.write_text(f.read_text().replace("Daqo", "Daqi"))
    with pytest.raises(update.UpdateError, match="does not match the manifest hash"):
        update.load_updated(tmp_path)


def test_old_data_folder_layout_is_still_read(tmp_path: Path) -> None:
    rl = load_bundled().get("us_cbp_wro_findings")
    folder = tmp_path / "lists"
    folder.mkdir()
    body = "".join(
        json.dumps({"list_id": e.list_id, "entry_id": e.entry_id, "name": e.name}) + "\n"
        for e in rl.entries[:3]
    )
    import hashlib

    (folder / "cbp.jsonl").write_text(body)
    (folder / "manifest.json").write_text(
        json.dumps(
            [
                {
                    "list_id": "us_cbp_wro_findings",
                    "title": "t",
                    "publisher": "p",
                    "source": "s",
                    "snapshot_date": "2021-01-01",
                    "rows": 3,
                    "entries": 3,
                    "sha256": hashlib.sha256(body.encode()).hexdigest(),
                    "complete": True,
                    "file": "cbp.jsonl",
                }
            ]
        )
    )
    (got,) = update.load_updated(tmp_path)
    assert got.info.entries == 3
    assert store.reset(tmp_path) == store.LEGACY and update.load_updated(tmp_path) == []


# --- import --------------------------------------------------------------------------------------


def test_import_official_file_gives_the_same_outcomes_as_bundled(
    tmp_path: Path, publisher: dict[str, bytes]
) -> None:
    page = tmp_path / "uflpa.html"
    page.write_bytes(publisher[update.UFLPA_URL])
    r = update.import_list(tmp_path, page, None, today=TODAY)
    assert (r.list_id, r.entries, r.previous) == ("us_uflpa_entity_list", 144, 144)
    imported = update.with_updates(load_bundled(), tmp_path, today=TODAY)
    assert imported.info("us_uflpa_entity_list").origin == "imported"
    rows = [{"name": "Xinjiang Daqo New Energy Co., Ltd."}, {"name": "Camel Group Co., Ltd."}]
    day = date(2025, 6, 1)
    ours = screen(rows, as_of=day, lists=imported)
    theirs = screen(rows, as_of=day, lists=load_bundled())
    assert [[o.outcome for o in r.regimes] for r in ours] == [
        [o.outcome for o in r.regimes] for r in theirs
    ]
    assert ours[0].regimes[0].outcome == "presumption"


def test_import_refuses_a_file_of_another_list_and_bad_files(
    tmp_path: Path, publisher: dict[str, bytes]
) -> None:
    page = tmp_path / "uflpa.html"
    page.write_bytes(publisher[update.UFLPA_URL])
    with pytest.raises(update.UpdateError, match="which is list us_uflpa_entity_list, not us_ofac"):
        update.import_list(tmp_path, page, "us_ofac_sdn")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(update.UpdateError, match="the file is empty"):
        update.import_list(tmp_path, empty, "mine")
    with pytest.raises(update.UpdateError, match="cannot read"):
        update.import_list(tmp_path, tmp_path / "missing.html", "mine")
    assert _state(tmp_path) == (None, [])


def test_import_ftm_as_a_bundled_list(tmp_path: Path) -> None:
    lines = [
        {
            "id": f"c{n}",
            "schema": "Company",
            "properties": {"name": [f"Example {n} Co., Ltd."], "country": ["cn"]},
        }
        for n in range(3)
    ]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(o) for o in lines))
    with pytest.raises(update.UpdateError, match="fewer than 80% of the 144 in use"):
        update.import_list(tmp_path, path, "us_uflpa_entity_list")
    r = update.import_list(tmp_path, path, "us_uflpa_entity_list", force=True)
    assert r.entries == 3
    r2 = update.import_list(tmp_path, path, "my_watchlist")
    lists = update.with_updates(load_bundled(), tmp_path)
    assert lists.info("my_watchlist").entries == 3 and r2.previous == 0
    assert lists.info("us_uflpa_entity_list").entries == 3  # carried over into the new version

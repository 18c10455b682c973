"""The order-line table engine: DuckDB over Arrow, for millions of lines.

The engine holds the lines of every input in one in-memory DuckDB database and does what is
cheap in SQL: distinct values, joins, window functions, grouping. Everything that *decides*
(reading a number, choosing an exchange rate, screening a supplier, the issue vocabulary, the
aggregate definitions) is the pure core's, applied to each distinct value once and joined back
as a small Arrow table. The states below follow the orders defined in
:mod:`laborlens.core.exposure.quality`; ``tests/adapters/engine/test_lines.py`` checks the
engine against the core's reference implementation on generated lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from laborlens.core.exposure.fields import ORDER_FIELDS, PARTY_FIELDS, PRODUCT_FIELDS
from laborlens.core.exposure.keys import UNDETERMINED
from laborlens.core.exposure.quality import (
    QUANTITY_STATES,
    USABLE_QUANTITY,
    USABLE_VALUE,
    VALUE_STATES,
    Limits,
)
from laborlens.core.exposure.reference import VIEWS
from laborlens.core.exposure.report import Cell

#: Fields that identify a screening key (party + product), with the supplier id.
KEY_FIELDS: tuple[str, ...] = ("supplier_id", *PARTY_FIELDS, *PRODUCT_FIELDS)
#: Fields compared to find duplicate lines (every field of the line).
DUP_FIELDS: tuple[str, ...] = ORDER_FIELDS


def arrow_table(relation: Any) -> pa.Table:
    """A DuckDB relation's rows as an Arrow table (the method's name changed in DuckDB 2)."""
    method = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    table: pa.Table = method()
    return table


# the rule of laborlens.core.cells.safe_text, in SQL (RE2): a text whose first character after
# blanks could start a formula gets a leading quote, unless the text is just a number
_BLANKS = " \n\u3000"
_FORMULA_START = "^[ \\n\u3000]*[=+\\-@\\t\\r\uff1d\uff0b\uff0d\uff20]"
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"


def safe_sql(column: str) -> str:
    """A SQL expression giving ``column`` as :func:`laborlens.core.cells.safe_text` would."""
    quote = "''''"  # a SQL string literal holding one quote
    return (
        f"CASE WHEN regexp_matches({column}, '{_FORMULA_START}') AND NOT regexp_full_match("
        f"ltrim({column}, '{_BLANKS}'), '{_PLAIN_NUMBER}') THEN {quote} || {column} "
        f"ELSE {column} END"
    )


def _sql_list(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class LineEngine:
    """One analysis: the lines of the inputs (and an optional supplier master) in DuckDB."""

    def __init__(self, lines: pa.Table, master: pa.Table | None = None, threads: int = 2) -> None:
        """``lines`` and ``master`` come from :func:`..io.orders.read_orders`: text cells
        already trimmed, blanks null. Lines stay an Arrow table scanned in place (a view)."""
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET threads TO {max(1, int(threads))}")
        self.con.execute("SET enable_progress_bar = false")
        self._tables = [lines, master]  # keep the Arrow data alive while DuckDB scans it
        self.con.register("raw_lines", lines)
        if master is not None:
            self.con.register("raw_master", master)
            self.con.execute(
                "CREATE TABLE master AS SELECT supplier_id AS sid, "
                + ", ".join(_ident(f) for f in PARTY_FIELDS)
                + " FROM raw_master WHERE supplier_id IS NOT NULL "
                "QUALIFY row_number() OVER (PARTITION BY supplier_id ORDER BY _row) = 1"
            )
            select = ", ".join(
                f"coalesce(l.{_ident(f)}, m.{_ident(f)}) AS {_ident(f)}"
                if f in PARTY_FIELDS
                else f"l.{_ident(f)}"
                for f in ORDER_FIELDS
            )
            self.con.execute(
                f"CREATE VIEW lines AS SELECT l._file, l._row, {select}, "
                "m.sid IS NOT NULL AS master_hit FROM raw_lines l "
                "LEFT JOIN master m ON m.sid = l.supplier_id"
            )
        else:
            self.con.execute("CREATE VIEW lines AS SELECT *, false AS master_hit FROM raw_lines")
        self._exact_key_hash = False

    # --- distinct values -----------------------------------------------------------------

    def _scalar(self, query: str) -> Any:
        # fetchall: a half-fetched result would block the connection (DuckDB 2)
        rows = self.con.execute(query).fetchall()
        return rows[0][0] if rows else None

    def count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM lines") or 0)

    def keys(self) -> pa.Table:
        """The distinct screening keys: ``k`` plus the key fields (nulls kept).

        Lines find their key by a 64-bit hash of the key fields when every distinct key has a
        distinct hash (checked here: then hash equality is key equality); otherwise by
        comparing the fields themselves."""
        fields = ", ".join(_ident(f) for f in KEY_FIELDS)
        self.con.execute(
            f"CREATE TABLE keys AS SELECT row_number() OVER (ORDER BY {fields}) AS k, "
            f"hash({fields}) AS kh, * FROM (SELECT DISTINCT {fields} FROM lines)"
        )
        self._exact_key_hash = bool(self._scalar("SELECT count(*) = count(DISTINCT kh) FROM keys"))
        query = f"SELECT k, {fields} FROM keys ORDER BY k"
        return arrow_table(self.con.sql(query))

    def _key_join(self) -> str:
        fields = ", ".join(f"l.{_ident(f)}" for f in KEY_FIELDS)
        if self._exact_key_hash:
            return f"JOIN keys kk ON kk.kh = hash({fields})"
        return "JOIN keys kk ON " + " AND ".join(
            f"l.{_ident(f)} IS NOT DISTINCT FROM kk.{_ident(f)}" for f in KEY_FIELDS
        )

    def distinct(self, column: str) -> list[str]:
        """Distinct non-empty texts of one field."""
        rows = self.con.execute(
            f"SELECT DISTINCT {_ident(column)} FROM lines WHERE {_ident(column)} IS NOT NULL"
        ).fetchall()
        return [str(r[0]) for r in rows]

    _AMOUNT_TEXTS = (
        "SELECT value AS t FROM lines WHERE value IS NOT NULL UNION "
        "SELECT quantity FROM lines WHERE quantity IS NOT NULL UNION "
        "SELECT unit_price FROM lines WHERE unit_price IS NOT NULL"
    )
    #: Plain decimal numbers, read by SQL: ``CAST`` gives the same double as Python's
    #: ``float`` (both round correctly), so only the other forms go through the core.
    _PLAIN = r"[+-]?[0-9]+(\.[0-9]+)?"

    def distinct_amounts(self) -> list[str]:
        """Distinct value/quantity/unit-price texts that are not plain decimal numbers."""
        rows = self.con.execute(
            f"SELECT t FROM ({self._AMOUNT_TEXTS}) WHERE NOT regexp_full_match(t, ?)",
            [self._PLAIN],
        ).fetchall()
        return [str(r[0]) for r in rows]

    def attach_amounts(self, parsed: pa.Table) -> None:
        """The core's parse of the amount texts that are not plain numbers (t, num, problem);
        plain numbers are cast in SQL where they are used."""
        self.con.register("amounts", parsed)

    def _amount(self, column: str, alias: str) -> tuple[str, str, str]:
        """(number expression, problem expression, join) for one amount column."""
        col = f"l.{_ident(column)}"
        plain = f"regexp_full_match({col}, '{self._PLAIN}')"
        return (
            f"CASE WHEN {plain} THEN CAST({col} AS DOUBLE) ELSE {alias}.num END",
            f"CASE WHEN {plain} THEN NULL ELSE {alias}.problem END",
            f"LEFT JOIN amounts {alias} ON {alias}.t = {col}",
        )

    def distinct_dates(self) -> list[tuple[int, str]]:
        rows = self.con.execute(
            "SELECT DISTINCT _file, date FROM lines WHERE date IS NOT NULL"
        ).fetchall()
        return [(int(f), str(t)) for f, t in rows]

    def attach(self, name: str, table: pa.Table) -> None:
        """Register a mapping table (computed by the core from distinct values)."""
        self.con.register(name, table)

    def currency_days(self) -> list[tuple[str, date | None]]:
        """Distinct (currency code, date) pairs needing a rate (needs ``currencies``, ``dates``)."""
        rows = self.con.execute(
            "SELECT DISTINCT c.code, d.day FROM lines l JOIN currencies c ON c.t = l.currency "
            "LEFT JOIN dates d ON d.file = l._file AND d.t = l.date WHERE c.code IS NOT NULL"
        ).fetchall()
        return [(str(c), d) for c, d in rows]

    # --- the line facts ------------------------------------------------------------------

    def _duplicates(self) -> None:
        """``dups(_file, _row, dup_file, dup_row)``: lines equal in every field to an earlier
        line. Candidates share a 64-bit hash of all fields (one grouping pass, no sort of the
        lines); each is then compared field by field with the first line of its hash, so a hash
        collision can never make two different lines duplicates."""
        fields = ", ".join(_ident(f) for f in DUP_FIELDS)
        same = " AND ".join(f"a.{_ident(f)} IS NOT DISTINCT FROM b.{_ident(f)}" for f in DUP_FIELDS)
        self.con.execute(f"""
        CREATE TABLE dups AS
        WITH h AS (SELECT _file, _row, hash({fields}) AS h FROM lines),
        g AS (SELECT h, arg_min(_file, (_file, _row)) AS f, min_by(_row, (_file, _row)) AS r
              FROM h GROUP BY h HAVING count(*) > 1),
        c AS (SELECT h._file, h._row, g.f AS dup_file, g.r AS dup_row FROM h JOIN g USING (h)
              WHERE (h._file, h._row) <> (g.f, g.r))
        SELECT c._file, c._row, c.dup_file, c.dup_row FROM c
        JOIN lines a ON a._file = c._file AND a._row = c._row
        JOIN lines b ON b._file = c.dup_file AND b._row = c.dup_row
        WHERE {same}
        """)

    def finalise(self, as_of: date, limits: Limits, regime: str) -> None:
        """Build ``facts``: every line with its parsed figures, states, key facts and scope.

        Needs the mapping tables ``amounts(t, num, problem)``, ``units(t, base, factor,
        problem)``, ``currencies(t, code, problem)``, ``dates(file, t, day, problem)``,
        ``rates(code, day, fx, usd, label, basis)`` and ``facts_k(k, sector, outcomes…, tier,
        supplier_key …)``.
        """
        qlimit = " ".join(f"WHEN '{u}' THEN {float(v)!r}" for u, v in limits.max_quantity.items())
        usable_value = _sql_list(sorted(USABLE_VALUE))
        self._duplicates()
        value, value_problem, value_join = self._amount("value", "va")
        qty, qty_problem, qty_join = self._amount("quantity", "qa")
        price, _, price_join = self._amount("unit_price", "pa")
        # one statement: DuckDB pipelines the CTEs instead of materialising wide tables
        self.con.execute(f"""
        CREATE TABLE lf AS
        WITH f0 AS (
          SELECT l.*, kk.k,
            {value} AS v_num, {value_problem} AS v_problem,
            {qty} AS q_num, {qty_problem} AS q_problem, {price} AS p_num,
            u.base, u.factor, u.problem AS u_problem,
            c.code, c.problem AS c_problem, d.day, d.problem AS d_problem,
            r.fx, r.usd, r.label AS rate_label, r.basis AS rate_basis,
            dp._file IS NOT NULL AS duplicate, dp.dup_file, dp.dup_row
          FROM lines l
          {self._key_join()}
          {value_join}
          {qty_join}
          {price_join}
          LEFT JOIN units u ON u.t = l.unit
          LEFT JOIN currencies c ON c.t = l.currency
          LEFT JOIN dates d ON d.file = l._file AND d.t = l.date
          LEFT JOIN rates r ON r.code = c.code AND r.day IS NOT DISTINCT FROM d.day
          LEFT JOIN dups dp ON dp._file = l._file AND dp._row = l._row
        ), f1 AS (
          SELECT *, coalesce(v_num, CASE WHEN value IS NULL THEN p_num * q_num END) AS v_raw,
            q_num * factor AS q_base
          FROM f0
        ), facts AS (
          SELECT f1.*, fk.* EXCLUDE (k),
            CASE
              WHEN v_raw IS NULL AND value IS NULL THEN 'missing'
              WHEN v_raw IS NULL THEN 'bad'
              WHEN v_raw < 0 THEN 'negative'
              WHEN currency IS NULL THEN 'no_currency'
              WHEN code IS NULL THEN 'unknown_currency'
              WHEN fx IS NULL THEN 'no_rate'
              WHEN v_raw * usd > {limits.max_value_usd!r} THEN 'absurd'
              WHEN v_raw = 0 THEN 'zero'
              WHEN value IS NULL THEN 'computed'
              ELSE 'ok' END AS value_state,
            CASE
              WHEN quantity IS NULL THEN 'missing'
              WHEN q_num IS NULL THEN 'bad'
              WHEN q_num < 0 THEN 'negative'
              WHEN unit IS NULL THEN 'no_unit'
              WHEN base IS NULL THEN 'unknown_unit'
              WHEN q_base > (CASE base {qlimit} ELSE 'inf'::DOUBLE END) THEN 'absurd'
              WHEN q_num = 0 THEN 'zero'
              ELSE 'ok' END AS quantity_state,
            CASE
              WHEN date IS NULL THEN 'missing'
              WHEN day IS NULL THEN 'bad'
              WHEN day > DATE '{as_of.isoformat()}' THEN 'future'
              ELSE 'ok' END AS date_state,
            coalesce(strftime(day, '%Y-%m'), 'undated') AS month
          FROM f1 JOIN facts_k fk ON fk.k = f1.k
        )
        SELECT *, {_ident("o_" + regime)} AS outcome,
          NOT duplicate AND date_state <> 'future' AS in_scope,
          CASE WHEN duplicate THEN 'duplicate' WHEN date_state = 'future' THEN 'future_date'
               ELSE 'in' END AS scope,
          value_state IN ({usable_value}) AS value_usable,
          quantity_state IN ({_sql_list(sorted(USABLE_QUANTITY))}) AS quantity_usable,
          CASE WHEN value_state IN ({usable_value}) THEN v_raw * fx END AS value_rep
        FROM facts
        """)

    # --- figures -------------------------------------------------------------------------

    def _measures(self, where: str) -> str:
        return (
            "count(*) AS lines, "
            f"coalesce(sum(value_rep) FILTER (WHERE value_usable AND {where}), 0) AS value, "
            f"count(*) FILTER (WHERE value_usable AND {where}) AS value_lines, "
            f"coalesce(sum(q_base) FILTER (WHERE quantity_usable AND {where}), 0) AS quantity, "
            f"count(*) FILTER (WHERE quantity_usable AND {where}) AS quantity_lines"
        )

    def cells(self, regimes: Sequence[str]) -> list[Cell]:
        """The cells of every view over the in-scope lines (see :mod:`..report`)."""
        out: list[Cell] = []
        unit = "CASE WHEN quantity_usable THEN base END"
        views = dict(VIEWS)
        for regime in regimes:
            views[f"regime:{regime}"] = (f"o_{regime}",)
        for name, keys in views.items():
            cols = [*keys, "_unit"]
            select = ", ".join(_ident(k) for k in keys)
            query = (
                f"SELECT {select + ', ' if select else ''}{unit} AS _unit, "
                f"{self._measures('true')} FROM lf WHERE in_scope GROUP BY ALL"
            )
            for row in self.con.execute(query).fetchall():
                key = tuple(str(v) if v is not None else UNDETERMINED for v in row[: len(keys)])
                rest = row[len(cols) - 1 :]
                out.append(
                    Cell(
                        name,
                        key,
                        rest[0],
                        int(rest[1]),
                        float(rest[2]),
                        int(rest[3]),
                        float(rest[4]),
                        int(rest[5]),
                    )
                )
        for row in self.con.execute(
            f"SELECT scope, {unit} AS _unit, {self._measures('true')} FROM lf GROUP BY ALL"
        ).fetchall():
            out.append(
                Cell(
                    "scope",
                    (str(row[0]),),
                    row[1],
                    int(row[2]),
                    float(row[3]),
                    int(row[4]),
                    float(row[5]),
                    int(row[6]),
                )
            )
        return out

    @staticmethod
    def _issue_conditions() -> dict[str, str]:
        """Issue code -> the SQL condition of the lines having it."""
        conds = {
            "duplicate": "duplicate",
            "future_date": "date_state = 'future'",
            "no_supplier": "NOT party_known",
            "no_product": "hs_code IS NULL AND product IS NULL",
            "supplier_problem": "problems <> ''",
        }
        for state in VALUE_STATES:
            if state != "ok":
                conds[f"value_{state}"] = f"value_state = '{state}'"
        for state in QUANTITY_STATES:
            if state != "ok":
                conds[f"quantity_{state}"] = f"quantity_state = '{state}'"
        for state in ("missing", "bad"):
            conds[f"date_{state}"] = f"date_state = '{state}'"
        return conds

    def issue_counts(self) -> list[tuple[str, int, float]]:
        """(issue code, lines, usable value of those lines) over all lines."""
        parts = [
            f"SELECT '{code}' AS issue, count(*) AS n, coalesce(sum(value_rep), 0) AS v "
            f"FROM lf WHERE {cond}"
            for code, cond in self._issue_conditions().items()
        ]
        query = " UNION ALL ".join(parts)
        return [
            (str(a), int(b), float(c)) for a, b, c in self.con.execute(query).fetchall() if int(b)
        ]

    def issue_examples(self, issue: str, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` lines with an issue, with the fields messages need."""
        cond = self._issue_conditions()[issue]
        return self._dicts(
            f"SELECT _file, _row, value, currency, quantity, unit, unit_price, date, day, "
            f"v_problem, q_problem, u_problem, c_problem, d_problem, code, v_raw, usd, q_base, "
            f"base, dup_file, dup_row, problems FROM lf WHERE {cond} "
            f"ORDER BY _file, _row LIMIT {int(limit)}"
        )

    def rates_used(self) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT code, rate_label, rate_basis, count(*) AS lines, sum(v_raw) AS original "
            "FROM lf WHERE code IS NOT NULL AND value_usable AND in_scope "
            "GROUP BY ALL ORDER BY code, rate_label"
        )

    def suppliers(self) -> list[dict[str, Any]]:
        """Per supplier key: a label, the screened country and the worst risk."""
        return self._dicts(
            "SELECT supplier_key, min(coalesce(name, supplier_id, registration_id, address)) "
            "AS label, min(supplier_id) AS supplier_id, min(screened_country) AS country, "
            "max(risk_rank) AS risk_rank FROM lf GROUP BY supplier_key"
        )

    def history(self, sector: str, since: date) -> list[dict[str, Any]]:
        """Per supplier and base unit, its in-scope lines of one sector since a date, with the
        supplier's screened country, worst risk and outcomes (for replacement candidates)."""
        unit = "CASE WHEN quantity_usable THEN base END"
        return self._dicts(
            f"SELECT supplier_key, min(name) AS name, min(supplier_id) AS supplier_id, "
            f"min(screened_country) AS country, min(address) AS address, "
            f"max(day) AS last_date, max(risk_rank) AS risk_rank, "
            f"string_agg(DISTINCT outcome, ',') AS outcomes, "
            f"min(reason) FILTER (WHERE reason <> '') AS reason, {unit} AS unit, "
            f"{self._measures('true')} FROM lf WHERE in_scope AND party_known AND sector = ? "
            f"AND (day IS NULL OR day >= ?) GROUP BY supplier_key, {unit}",
            (sector, since),
        )

    def tainted_by_unit(
        self, sector: str, since: date, until: date, outcomes: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Per base unit (``None``: no usable quantity), the value and quantity of a sector's
        in-scope lines with one of ``outcomes``, dated from ``since`` to ``until``."""
        unit = "CASE WHEN quantity_usable THEN base END"
        return self._dicts(
            f"SELECT {unit} AS unit, {self._measures('true')} FROM lf WHERE in_scope "
            f"AND sector = ? AND outcome IN ({_sql_list(list(outcomes))}) "
            f"AND day BETWEEN ? AND ? GROUP BY ALL",
            (sector, since, until),
        )

    def _dicts(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(query, list(params))
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def drilldown(self, out: Path, files: Sequence[str], regime: str) -> int:
        """Write one CSV row per input line (the figures' lines), in input order. Text taken
        from the input goes through :func:`safe_sql` (no cell a spreadsheet would run)."""
        self.con.register(
            "file_names", pa.table({"_file": list(range(len(files))), "file": list(files)})
        )
        t = {
            c: safe_sql(c)
            for c in (
                "fn.file",
                "line_id",
                "order_id",
                "supplier_id",
                "name",
                "country",
                "hs_code",
                "product",
                "quantity",
                "unit",
                "value",
                "currency",
                "reason",
            )
        }
        query = f"""
        SELECT {t["fn.file"]} AS file, lf._row AS row, {t["line_id"]} AS line_id,
          {t["order_id"]} AS order_id, {t["supplier_id"]} AS supplier_id,
          {t["name"]} AS supplier, {t["country"]} AS country, {t["hs_code"]} AS hs_code,
          {t["product"]} AS product, sector, sectors, outcome, risk, tier, month, day AS date,
          {t["quantity"]} AS quantity, {t["unit"]} AS unit, q_base AS quantity_base,
          base AS base_unit, {t["value"]} AS value, {t["currency"]} AS currency,
          rate_label AS rate, rate_basis, round(value_rep, 4) AS value_report, in_scope,
          value_usable AND in_scope AS in_value, quantity_usable AND in_scope AS in_quantity,
          value_state, quantity_state, date_state, duplicate, chain_node,
          {t["reason"]} AS reason
        FROM lf JOIN file_names fn ON fn._file = lf._file ORDER BY lf._file, lf._row"""
        target = str(out).replace("'", "''")
        self.con.execute(f"COPY ({query}) TO '{target}' (HEADER, DELIMITER ',')")
        return int(self._scalar("SELECT count(*) FROM lf") or 0)

    def iter_lines(self, regime: str) -> Iterator[dict[str, Any]]:
        """Every line's facts (for small inputs and tests)."""
        yield from self._dicts("SELECT * FROM lf ORDER BY _file, _row")

    def close(self) -> None:
        self.con.close()

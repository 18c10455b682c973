"""The columns of an order-line or customs-entry file, and how headers map onto them.

An order line names a supplier (the party fields of ``laborlens screen``), what was bought (HS
code and/or product text), how much (quantity and unit), what it cost (value and currency) and
when. Headers are matched like ``screen``'s: case-insensitively, ignoring punctuation, with
synonyms; the party and product synonyms are exactly ``screen``'s (``COLUMN_SYNONYMS``), except
that a supplier-id header (``supplier_id``, ``vendor_code``, ``供应商编号`` …) is the supplier's id
and a bare ``id``/``line`` header is the line's own id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from laborlens.core.records import assign_fields, field_for_header, normalize_header

#: Party fields (who supplied), in output order; the screening record is built from these.
PARTY_FIELDS: tuple[str, ...] = (
    "name",
    "aliases",
    "address",
    "country",
    "registration_id",
    "phone",
    "lat",
    "lon",
)
#: Product fields (what was bought).
PRODUCT_FIELDS: tuple[str, ...] = ("hs_code", "product")
#: Measure and reference fields of a line.
LINE_FIELDS: tuple[str, ...] = (
    "supplier_id",
    "line_id",
    "order_id",
    "quantity",
    "unit",
    "value",
    "currency",
    "unit_price",
    "date",
)
#: Every field of an order line, in the column order of normalised tables.
ORDER_FIELDS: tuple[str, ...] = (*LINE_FIELDS, *PARTY_FIELDS, *PRODUCT_FIELDS)

#: Fields whose several columns are joined (as in ``screen``): address parts, aliases.
MERGED: Mapping[str, str] = {"address": ", ", "aliases": "; "}

#: Order-specific synonyms (normalised form). Checked before the party/product synonyms.
ORDER_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "supplier_id": (
        "supplier_id",
        "vendor_id",
        "supplier_code",
        "vendor_code",
        "supplier_no",
        "supplier_number",
        "vendor_no",
        "vendor_number",
        "supplier_ref",
        "vendor_ref",
        "mid",
        "manufacturer_id",
        "party_id",
        "entity_id",
        "供应商编号",
        "供应商代码",
        "供应商编码",
        "客商编码",
    ),
    "line_id": (
        "id",
        "line",
        "line_id",
        "line_no",
        "line_number",
        "po_line",
        "po_line_no",
        "order_line",
        "item_no",
        "item_number",
        "entry_line",
        "row_id",
        "record_id",
        "行号",
        "序号",
    ),
    "order_id": (
        "po",
        "po_no",
        "po_number",
        "purchase_order",
        "purchase_order_no",
        "purchase_order_number",
        "order",
        "order_no",
        "order_number",
        "order_id",
        "entry",
        "entry_no",
        "entry_number",
        "declaration_no",
        "invoice",
        "invoice_no",
        "invoice_number",
        "订单号",
        "采购订单号",
        "报关单号",
        "发票号",
    ),
    "quantity": (
        "qty",
        "quantity",
        "quantities",
        "qty_ordered",
        "ordered_qty",
        "quantity_ordered",
        "shipped_qty",
        "quantity_shipped",
        "qty_shipped",
        "received_qty",
        "net_quantity",
        "volume",
        "数量",
        "采购数量",
        "成交数量",
        "法定数量",
    ),
    "unit": (
        "unit",
        "units",
        "uom",
        "unit_of_measure",
        "unit_of_measurement",
        "qty_unit",
        "quantity_unit",
        "measure",
        "单位",
        "计量单位",
        "成交单位",
        "法定单位",
    ),
    "value": (
        "value",
        "amount",
        "total",
        "total_value",
        "total_amount",
        "line_value",
        "line_amount",
        "line_total",
        "net_value",
        "net_amount",
        "extended_price",
        "extended_amount",
        "invoice_value",
        "invoice_amount",
        "customs_value",
        "entered_value",
        "declared_value",
        "fob_value",
        "cif_value",
        "po_value",
        "spend",
        "金额",
        "总价",
        "总金额",
        "货值",
        "成交总价",
        "采购金额",
    ),
    "currency": (
        "currency",
        "currency_code",
        "curr",
        "ccy",
        "cur",
        "value_currency",
        "currency_id",
        "币种",
        "币制",
        "货币",
    ),
    "unit_price": (
        "unit_price",
        "price",
        "price_per_unit",
        "unit_cost",
        "net_price",
        "单价",
        "成交单价",
    ),
    "address": (
        "supplier_address",
        "vendor_address",
        "manufacturer_address",
        "shipper_address",
        "exporter_address",
        "seller_address",
        "supplier_city",
        "vendor_city",
        "供应商地址",
        "发货人地址",
    ),
    "country": (
        "supplier_country",
        "vendor_country",
        "manufacturer_country",
        "shipper_country",
        "country_of_export",
        "export_country",
        "供应商国家",
    ),
    "date": (
        "date",
        "order_date",
        "po_date",
        "ship_date",
        "shipment_date",
        "shipping_date",
        "delivery_date",
        "receipt_date",
        "received_date",
        "entry_date",
        "import_date",
        "arrival_date",
        "invoice_date",
        "declaration_date",
        "transaction_date",
        "日期",
        "订单日期",
        "采购日期",
        "发货日期",
        "进口日期",
        "申报日期",
    ),
}

_ORDER_LOOKUP: dict[str, str] = {}
for _field, _names in ORDER_SYNONYMS.items():
    for _name in _names:
        for _key in (_name, _name.replace("_", "")):
            _ORDER_LOOKUP.setdefault(_key, _field)


def order_field_for_header(header: object) -> tuple[str | None, bool]:
    """The order field a header names, and whether it names it exactly (not by a synonym)."""
    key = normalize_header(header)
    if key in ORDER_FIELDS:
        return key, True
    found = _ORDER_LOOKUP.get(key) or _ORDER_LOOKUP.get(key.replace("_", ""))
    if found:
        return found, False
    fld, exact = field_for_header(header)
    if fld == "id":  # screen's record id is the supplier's id in an order file
        return "supplier_id", False
    return fld, exact


@dataclass(frozen=True, slots=True)
class OrderColumns:
    """How the columns of one order file map onto order fields.

    Attributes:
        headers: the headers as given (blank headers named ``column_N``).
        fields: per column, the field it feeds, or ``None`` (not used).
    """

    headers: tuple[str, ...]
    fields: tuple[str | None, ...]

    @classmethod
    def from_headers(cls, headers: Sequence[object]) -> OrderColumns:
        """Map headers to fields: exact names first, then synonyms; the first column wins,
        except for address parts and aliases, whose columns are all used."""
        names, fields = assign_fields(headers, order_field_for_header, MERGED)
        return cls(names, fields)

    def columns_of(self, fld: str) -> tuple[int, ...]:
        """Positions of the columns feeding ``fld``, in column order."""
        return tuple(i for i, f in enumerate(self.fields) if f == fld)

    def mapped(self) -> dict[str, tuple[str, ...]]:
        """Field -> the headers feeding it."""
        out: dict[str, list[str]] = {}
        for header, fld in zip(self.headers, self.fields, strict=True):
            if fld:
                out.setdefault(fld, []).append(header)
        return {k: tuple(v) for k, v in out.items()}

    def header_of(self, fld: str) -> str:
        """The (first) input header of a field, for messages; the field name when absent."""
        cols = self.columns_of(fld)
        return self.headers[cols[0]] if cols else fld

    def has_subject(self) -> bool:
        """Whether a column says who supplied or what was bought."""
        return any(
            f in ("name", "aliases", "address", "registration_id", "supplier_id", *PRODUCT_FIELDS)
            for f in self.fields
        )

    def has_measure(self) -> bool:
        """Whether a column gives the line's value or quantity."""
        return any(f in ("value", "quantity", "unit_price") for f in self.fields)


def describe_missing(columns: OrderColumns) -> str | None:
    """Why a file cannot be used for exposure (``None`` when it can)."""
    found = ", ".join(columns.headers[:12])
    if not columns.has_subject():
        return (
            "no column says who supplied or what was bought; expected one of supplier name, "
            "supplier_id, address, hs_code, product "
            "(or a synonym such as vendor, 供应商名称, hts); "
            f"found: {found}"
        )
    if not columns.has_measure():
        return (
            "no column gives a value or a quantity; expected one of value, amount, quantity, qty, "
            f"unit_price (or a synonym such as 金额, 数量); found: {found}"
        )
    return None

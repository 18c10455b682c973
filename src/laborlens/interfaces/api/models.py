"""Request and response bodies of the REST API (they are its OpenAPI documentation).

Objects whose inner shape the core defines and documents (a finding's details, a trace node,
a gap report's parts) are models with their stable fields typed and further fields allowed.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A model whose documented fields are typed and which may carry more."""

    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    detail: str = Field(..., description="what went wrong, in plain words")


class Health(BaseModel):
    status: Literal["ok"]
    version: str


# ----------------------------------------------------------------------------- accounts


class LoginRequest(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=512, description="password or API token")


class Me(BaseModel):
    name: str
    tenant: str
    role: str
    permissions: list[str]
    csrf: str | None = Field(None, description="send as X-CSRF-Token with a session cookie")


class UserOut(BaseModel):
    name: str
    tenant: str
    role: str
    created_at: str | None
    disabled: bool


class NewUser(BaseModel):
    name: str = Field(..., min_length=1, max_length=64)
    role: Literal["admin", "analyst", "reviewer", "viewer"]
    password: str | None = Field(None, max_length=512)


class NewUserOut(BaseModel):
    user: UserOut
    token: str = Field(..., description="the API token, shown only this once")


# -------------------------------------------------------------------------------- lists


class ListOut(BaseModel):
    list_id: str
    title: str
    publisher: str
    kind: str
    snapshot_date: date | None
    age_days: int | None
    entries: int
    version: str
    complete: bool
    completeness_note: str | None
    warnings: list[str]
    stale: bool = False
    cadence: str | None = None
    origin: str = "bundled"


# ----------------------------------------------------------------------------- findings


class FindingOut(Open):
    kind: str
    why: str
    score: float | None = None
    list: str | None = None
    list_version: str | None = None
    entry_id: str | None = None
    entry_name: str | None = None
    matched_name: str | None = None
    match: str | None = None
    region: str | None = None
    sector: str | None = None


class ReasonOut(Open):
    text: str
    rule: str
    citation: str | None = None


class RegimeOut(Open):
    regime: str
    outcome: str
    reasons: list[str]
    reason_details: list[ReasonOut] = []
    effect: str | None = None
    evidence_needed: list[str] = []


class RecordOut(BaseModel):
    id: str | None = None
    name: str | None = None
    aliases: list[str] = []
    address: str | None = None
    country: str | None = None
    registration_id: str | None = None
    phone: str | None = None
    hs_code: str | None = None
    product: str | None = None
    lat: float | None = None
    lon: float | None = None


class ScreenResultOut(Open):
    id: str
    row: int
    risk: str
    findings: list[FindingOut]
    regimes: list[RegimeOut]
    errors: list[str]


class ScreenRequest(BaseModel):
    records: list[dict[str, str | int | float | list[str] | None]] = Field(
        ..., max_length=1000, description="rows with the input columns (synonyms accepted)"
    )
    as_of: date | None = Field(None, description="evaluation date (default today)")
    lists: list[str] | None = Field(None, description="restrict to these list ids")


class ScreenResponse(BaseModel):
    as_of: date
    lists: dict[str, str]
    results: list[ScreenResultOut]


# --------------------------------------------------------------------------------- jobs


class JobSummary(BaseModel):
    risk: dict[str, int] = {}
    alerts: dict[str, int] = {}


class ListChange(BaseModel):
    then: str | None
    now: str


class JobOut(BaseModel):
    job_id: str
    title: str | None
    filename: str
    status: Literal["queued", "running", "done", "failed"]
    complete: bool = Field(..., description="results are whole only when the job is done")
    progress: float
    total_rows: int | None
    done_rows: int
    error: str | None
    as_of: date
    encoding: str | None
    file_format: str | None
    list_ids: list[str] | None
    list_versions: dict[str, str]
    algorithms: list[str]
    parent_id: str | None
    summary: JobSummary
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    lists_changed: dict[str, ListChange] = Field(
        {}, description="lists updated since this screening: re-screen to see what changed"
    )


class JobCreated(BaseModel):
    job: JobOut
    duplicate: bool = Field(..., description="the same file and options are already queued")


class JobPage(BaseModel):
    total: int
    jobs: list[JobOut]


class ResultOut(BaseModel):
    row: int
    record_id: str | None
    name: str | None
    country: str | None
    status: str = Field(..., description="the risk level, or 'not screened'")
    screened: bool
    risk: str | None
    score: float
    kinds: list[str]
    lists: list[str]
    outcomes: list[str]
    errors: str | None
    record: RecordOut
    findings: list[FindingOut]
    regimes: list[RegimeOut]


class ResultPage(BaseModel):
    job: JobOut
    complete: bool
    total: int
    offset: int
    limit: int
    results: list[ResultOut]


class AlertOut(BaseModel):
    alert_id: str
    job_id: str
    row: int
    party_key: str
    party_name: str | None
    country: str | None
    entry_key: str
    kind: str
    band: str | None
    list_id: str | None
    entry_id: str | None
    entry_name: str | None
    matched_name: str | None
    score: float
    why: str
    status: Literal["open", "cleared", "confirmed", "escalated"]
    decision_id: str | None
    reapplied: bool
    note: str | None
    created_at: str


class AlertPage(BaseModel):
    total: int
    alerts: list[AlertOut]


class DecisionOut(BaseModel):
    decision_id: str
    alert_id: str
    party_key: str
    entry_key: str
    action: str
    by: str
    at: str
    reason: str | None
    case_id: str | None


class DecisionRequest(BaseModel):
    action: Literal["clear", "confirm", "escalate"]
    reason: str | None = Field(None, max_length=2000, description="required to clear")
    case_id: str | None = Field(None, max_length=128, description="escalate into this case")


class DecisionResponse(BaseModel):
    alert: AlertOut
    decision: DecisionOut
    settled_others: int = Field(..., description="other open alerts on the same party and entry")


class PartyOut(BaseModel):
    job_id: str
    result: ResultOut
    alerts: list[AlertOut]
    decisions: list[DecisionOut]


class ChangeOut(BaseModel):
    row: int
    name: str | None
    kind: str
    before: str | None
    after: str | None
    added: list[str]
    removed: list[str]


class DiffPage(BaseModel):
    job_id: str
    parent_id: str
    total: int
    changes: list[ChangeOut]


class RescreenRequest(BaseModel):
    as_of: date | None = None


# -------------------------------------------------------------------------- chains, cases


class ChainNodeIn(Open):
    id: str = Field(..., min_length=1, max_length=200)
    name: str | None = None
    role: str | None = None
    country: str | None = None
    address: str | None = None


class ChainEdgeIn(Open):
    from_: str = Field(..., alias="from", min_length=1, max_length=200)
    to: str = Field(..., min_length=1, max_length=200)
    product: str | None = None
    quantity: float | None = None
    unit: str | None = None


class ChainIn(BaseModel):
    nodes: list[ChainNodeIn] = Field(..., min_length=1, max_length=20000)
    edges: list[ChainEdgeIn] = Field([], max_length=100000)

    def mapping(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class TraceRequest(BaseModel):
    chain: ChainIn
    as_of: date | None = None


class TraceNodeOut(Open):
    id: str
    name: str | None = None
    role: str | None = None
    country: str | None = None
    risk: str | None = None
    tainted: bool = False


class TraceEdgeOut(Open):
    from_: str = Field(..., alias="from")
    to: str
    product: str | None = None


class TraceOut(BaseModel):
    as_of: date
    algorithms: str | list[str]
    list_versions: dict[str, str]
    nodes: list[TraceNodeOut]
    edges: list[TraceEdgeOut]
    errors: list[str]
    stats: dict[str, Any]
    svg: str = Field(..., description="the chain drawn by tier (SVG)")


class CaseIn(BaseModel):
    case_id: str = Field(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    title: str | None = Field(None, max_length=300)
    chain: ChainIn


class StatusIn(BaseModel):
    status: str = Field(..., max_length=64)
    note: str | None = Field(None, max_length=2000)


class StatusOut(BaseModel):
    status: str
    at: str
    by: str
    note: str | None = None


class CaseOut(Open):
    case_id: str
    title: str | None = None
    status: str
    nodes: int
    edges: int
    created_at: str | None = None
    created_by: str | None = None
    history: list[StatusOut]
    shipments: list[dict[str, Any]] = []
    detentions: list[dict[str, Any]] = []


class CaseDetail(BaseModel):
    case: CaseOut
    chain: ChainIn
    documents: list[DocumentOut]
    dossiers: list[DossierOut]


class CasePage(BaseModel):
    cases: list[CaseOut]


class DocumentOut(Open):
    doc_id: str
    doc_type: str
    sha256: str
    case_id: str | None = None
    filename: str | None = None
    size: int | None = None


class DocTypeOut(BaseModel):
    id: str
    label: str
    scope: list[str]
    categories: list[str]
    source: str
    aliases: list[str]


class GapOut(Open):
    kind: str
    severity: str
    subject_type: str
    subject_id: str
    message: str


class GapReportOut(Open):
    case_id: str
    path: str
    ready: bool
    counts: dict[str, int]
    gaps: list[GapOut]


class DossierRequest(BaseModel):
    path: Literal["applicability_review", "exception_request"] = "applicability_review"
    as_of: date | None = None


class DossierOut(BaseModel):
    build_id: str
    case_id: str
    path: str
    manifest_sha256: str | None
    gaps: int | None
    created_by: str
    created_at: str
    download: str


class AuditRecordOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    list_versions: dict[str, str]
    algorithms: list[str]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    records: list[AuditRecordOut]
    verified: bool
    problems: list[str]


# ------------------------------------------------------------------- yente-style matching


class EntityQuery(BaseModel):
    schema_: str = Field("LegalEntity", alias="schema")
    properties: dict[str, list[str]] = {}


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery] = Field(..., max_length=100)


class MatchFeature(BaseModel):
    name: str
    value: float


class MatchResult(BaseModel):
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str] = []
    target: bool = True
    score: float
    match: bool
    features: dict[str, float]
    explanation: str


class MatchTotal(BaseModel):
    value: int
    relation: Literal["eq"] = "eq"


class QueryResponse(BaseModel):
    status: int = 200
    results: list[MatchResult]
    total: MatchTotal
    query: EntityQuery


class MatchResponse(BaseModel):
    responses: dict[str, QueryResponse]
    limit: int


CaseDetail.model_rebuild()


class ExposureReport(BaseModel):
    """The exposure report, as ``laborlens exposure --format json`` writes it. Every breakdown
    row holds lines, value, value_share, quantity per unit and quantity_share."""

    model_config = ConfigDict(extra="allow")

    report: str
    as_of: date
    regime: str
    currency: str
    inputs: list[dict[str, Any]]
    list_versions: dict[str, str]
    totals: dict[str, Any] = Field(..., description="value and quantity of all lines read")
    by_sector: list[dict[str, Any]]
    by_outcome: list[dict[str, Any]]
    by_supplier: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    undetermined: dict[str, Any] = Field(..., description="the part missing data leaves open")
    data_quality: dict[str, Any]
    reconciliation: dict[str, Any]

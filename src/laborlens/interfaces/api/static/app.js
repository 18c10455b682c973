// laborlens web UI: every change is a JSON API call with the session's CSRF token.
"use strict";

const csrf = () => (document.querySelector("meta[name=csrf]") || {}).content || "";

function say(text, kind) {
  const el = document.getElementById("message");
  if (!el) return;
  el.textContent = text;
  el.className = kind || "";
  el.hidden = !text;
}

async function api(method, url, body, multipart, signingIn) {
  const headers = { "X-CSRF-Token": csrf(), Accept: "application/json" };
  if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
  const res = await fetch(url, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
  });
  if (res.status === 401 && !signingIn) { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); throw new Error("signed out"); }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) {
    const d = data.detail;
    throw new Error(typeof d === "string" ? d : Array.isArray(d) ? d.map((e) => (e.loc || []).join(".") + ": " + e.msg).join("; ") : res.statusText);
  }
  return data;
}

function fill(template, data) {
  // "/jobs/{job_id}" with data.job.job_id or data.job_id
  return template.replace(/\{(\w+)\}/g, (_, k) => (data.job && data.job[k]) || data[k] || "");
}

function busy(el, on) {
  el.querySelectorAll("button").forEach((b) => { b.disabled = on; });
  el.classList.toggle("busy", on);
}

function formBody(form) {
  const fd = new FormData(form);
  const lists = fd.getAll("lists");
  if (lists.length) { fd.delete("lists"); fd.set("lists", lists.join(",")); }
  return fd;
}

async function submitApiForm(form) {
  busy(form, true);
  say("Working…");
  try {
    const multipart = form.hasAttribute("data-multipart");
    const body = multipart ? formBody(form) : Object.fromEntries(new FormData(form));
    const data = await api("POST", form.dataset.api, body, multipart);
    if (form.dataset.then) location.href = fill(form.dataset.then, data);
    else location.reload();
  } catch (e) { say(e.message, "error"); busy(form, false); }
}

async function login(form) {
  busy(form, true);
  try {
    const body = Object.fromEntries(new FormData(form));
    await api("POST", "/api/session", body, false, true);
    location.href = form.dataset.next || "/";
  } catch (e) { say(e.message, "error"); busy(form, false); }
}

async function decide(button) {
  const row = button.closest("[data-alert]");
  const reason = (row.querySelector("input[name=reason]") || {}).value || null;
  busy(row, true);
  try {
    const out = await api("POST", `/api/alerts/${encodeURIComponent(row.dataset.alert)}/decision`,
      { action: button.dataset.decide, reason });
    if (out.decision.case_id && button.dataset.decide === "escalate") {
      location.href = "/cases/" + encodeURIComponent(out.decision.case_id);
    } else { location.reload(); }
  } catch (e) { say(e.message, "error"); busy(row, false); }
}

async function post(button) {
  busy(button.parentElement, true);
  say("Working…");
  try {
    const data = await api("POST", button.dataset.post, button.dataset.body ? JSON.parse(button.dataset.body) : undefined);
    if (button.dataset.then) location.href = fill(button.dataset.then, data);
    else location.reload();
  } catch (e) { say(e.message, "error"); busy(button.parentElement, false); }
}

async function readJson(input) {
  const file = input.files[0];
  if (!file) throw new Error("choose a JSON file");
  try { return JSON.parse(await file.text()); } catch (e) { throw new Error(file.name + ": not valid JSON (" + e.message + ")"); }
}

async function newCase(form) {
  busy(form, true);
  try {
    const chain = await readJson(form.querySelector("input[name=chain]"));
    const f = Object.fromEntries(new FormData(form));
    const c = await api("POST", "/api/cases", { case_id: f.case_id, title: f.title || null, chain });
    location.href = "/cases/" + encodeURIComponent(c.case_id);
  } catch (e) { say(e.message, "error"); busy(form, false); }
}

function esc(s) { const d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

async function trace(form, chain) {
  busy(form, true);
  say("Tracing…");
  try {
    chain = chain || await readJson(form.querySelector("input[name=chain]"));
    const asOf = form.querySelector("input[name=as_of]").value || null;
    const r = await api("POST", "/api/trace", { chain, as_of: asOf });
    const rows = r.nodes.map((n) => `<tr><td>${esc(n.id)}</td><td>${esc(n.name)}</td><td>${esc(n.role)}</td><td>${esc(n.country)}</td><td><span class="badge ${esc(n.risk)}">${esc(n.risk)}</span></td><td>${n.tainted ? "tainted" : ""}</td></tr>`).join("");
    const out = document.getElementById("trace-result");
    out.innerHTML = `<div class="svg">${r.svg}</div><table class="grid"><thead><tr><th>Party</th><th>Name</th><th>Role</th><th>Country</th><th>Risk</th><th>Taint</th></tr></thead><tbody>${rows}</tbody></table>`;
    say(`${r.stats.nodes} parties, ${r.stats.edges} flows, ${r.stats.tainted_nodes} tainted`);
  } catch (e) { say(e.message, "error"); }
  busy(form, false);
}

async function exposure(form) {
  // the server renders the report's tables and charts; this puts the fragment in the page
  busy(form, true);
  say("Analysing…");
  try {
    const res = await fetch("/exposure/report", {
      method: "POST", credentials: "same-origin", body: new FormData(form),
      headers: { "X-CSRF-Token": csrf(), Accept: "text/html" },
    });
    if (res.status === 401) { location.href = "/login?next=/exposure"; return; }
    if (!res.ok) {
      const d = (await res.json().catch(() => ({}))).detail;
      throw new Error(typeof d === "string" ? d : res.statusText);
    }
    document.getElementById("exposure-result").innerHTML = await res.text();
    say("");
  } catch (e) { say(e.message, "error"); }
  busy(form, false);
}

function pollProgress(el) {
  const tick = async () => {
    try {
      const job = await api("GET", "/api/jobs/" + encodeURIComponent(el.dataset.job));
      el.querySelector("progress").value = job.progress;
      el.querySelector(".progress-text").textContent = `${job.done_rows} of ${job.total_rows ?? "…"} rows`;
      if (job.status !== el.dataset.status || job.status === "done" || job.status === "failed") { location.reload(); return; }
    } catch (e) { say(e.message, "error"); }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (form.id === "login") { ev.preventDefault(); login(form); }
    else if (form.dataset.api) { ev.preventDefault(); submitApiForm(form); }
    else if (form.hasAttribute("data-case-form")) { ev.preventDefault(); newCase(form); }
    else if (form.hasAttribute("data-trace")) { ev.preventDefault(); trace(form); }
    else if (form.hasAttribute("data-exposure")) { ev.preventDefault(); exposure(form); }
  });
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.decide) decide(b);
    else if (b.dataset.post) post(b);
    else if (b.hasAttribute("data-logout")) api("DELETE", "/api/session").finally(() => { location.href = "/login"; });
  });
  const progress = document.getElementById("progress");
  if (progress && ["queued", "running"].includes(progress.dataset.status)) pollProgress(progress);
  const traceForm = document.getElementById("trace");
  const caseId = new URLSearchParams(location.search).get("case");
  if (traceForm && caseId) {
    api("GET", "/api/cases/" + encodeURIComponent(caseId)).then((c) => trace(traceForm, c.chain)).catch((e) => say(e.message, "error"));
  }
});

// pmsgate console: progressive enhancement only (every page works without it).
"use strict";

function confirmForms() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
}

function formatNumber(value) {
  return Number(value).toLocaleString("en-US");
}

function renderProgress(live, data) {
  live.querySelector("#run-status").textContent = data.status;
  live.querySelector("#run-status").className = "badge status-" + data.status.toLowerCase();
  live.querySelector("#run-records").textContent = formatNumber(data.records);
  live.querySelector("#run-rate").textContent = data.records_per_second;
  live.querySelector("#run-elapsed").textContent = data.elapsed_seconds;
  data.models.forEach((model) => {
    const row = live.querySelector('tr[data-model="' + model.model + '"]');
    if (!row) return;
    row.querySelector(".records").textContent = formatNumber(model.records);
    row.querySelector(".new").textContent = formatNumber(model.new);
    row.querySelector(".updated").textContent = formatNumber(model.updated);
    const badge = row.querySelector(".state .badge");
    badge.textContent = model.state;
    badge.className = "badge model-" + model.state;
    const bar = row.querySelector("progress");
    if (model.state === "running") { bar.removeAttribute("value"); bar.removeAttribute("max"); }
    else { bar.max = 1; bar.value = model.state === "done" ? 1 : 0; }
  });
  const errors = live.querySelector("#run-errors");
  errors.replaceChildren();
  const lines = (data.error ? [data.error] : []).concat(data.errors.map((e) => e.model + ": " + e.error));
  lines.forEach((line) => {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = line;
    errors.appendChild(p);
  });
  live.querySelector("#live-note").textContent = data.finished ? "Finished." : "Updating live…";
}

function followRun() {
  const live = document.getElementById("live");
  if (!live || live.dataset.finished === "true") return;
  const url = live.dataset.progressUrl;
  const poll = () => {
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        renderProgress(live, data);
        if (!data.finished) window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  };
  window.setTimeout(poll, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  confirmForms();
  followRun();
});

// racedesk dashboard: reads /api/v1, then follows /api/v1/events (Server-Sent Events).
// Plain JavaScript, no build step. The map's shapes are in the page; this only colours them.
"use strict";
(() => {
  const API = "/api/v1";
  const LABEL = {
    called_dem: "called for the Democrat", called_gop: "called for the Republican",
    lean_dem: "leaning Democrat", lean_gop: "leaning Republican",
    too_close: "too close to call", too_early: "too early to call", not_yet: "polls open",
  };
  const ORDER = ["called_dem", "lean_dem", "too_close", "too_early", "not_yet", "lean_gop", "called_gop"];
  const PARTY = { dem: "Democrat", gop: "Republican" };
  const view = { races: [], byRace: new Map(), college: null, seq: 0,
    sort: { key: "electors", dir: -1 }, selected: null, seenCalls: new Set(), drawn: false };

  const $ = (sel) => document.querySelector(sel);
  const pct = (x) => (x == null ? "–" : `${(100 * x).toFixed(x >= 0.995 || x < 0.1 ? 0 : 1)}%`);
  const margin = (m) => (m == null ? "–" : m === 0 ? "even" :
    `${m > 0 ? "D" : "R"}+${(100 * Math.abs(m)).toFixed(1)}`);
  const time = (iso) => (iso ? new Date(iso).toISOString().slice(11, 16) + " UTC" : "");
  const day = (iso) => (iso ? new Date(iso).toISOString().slice(0, 10) : "");

  async function getJSON(path) {
    const response = await fetch(API + path, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function setConnection(state, text) {
    const el = $("#connection");
    el.dataset.state = state;
    el.textContent = text;
  }

  function sortValue(race, key) {
    switch (key) {
      case "race": return race.race;
      case "electors": return race.electors;
      case "display": return ORDER.indexOf(race.display);
      case "share": return race.share_counted ?? -1;
      case "counted_margin": return race.counted_margin ?? -2;
      case "margin": return race.estimate ? race.estimate.margin : (race.call?.evidence?.margin ?? -2);
      case "width": return race.estimate ? race.estimate.interval.hi - race.estimate.interval.lo : 9;
      case "call": return race.call ? race.call.at : "";
      default: return 0;
    }
  }

  function renderMap() {
    for (const race of view.races) {
      const tile = document.querySelector(`g.tile[data-race="${race.race}"]`);
      if (!tile) continue;
      if (view.drawn && tile.dataset.display !== race.display && race.display.startsWith("called")) {
        tile.classList.remove("flash");
        void tile.getBoundingClientRect();
        tile.classList.add("flash");
      }
      tile.dataset.display = race.display;
      tile.setAttribute("aria-label", `${tile.dataset.name}: ${LABEL[race.display]}`);
      const title = tile.querySelector("title");
      if (title) title.textContent = `${tile.dataset.name}: ${LABEL[race.display]}`;
    }
    view.drawn = true;
  }

  function intervalText(race) {
    if (!race.estimate) return "–";
    const { lo, hi } = race.estimate.interval;
    return `${margin(lo)} to ${margin(hi)}`;
  }

  function callText(race) {
    if (!race.call) return "";
    const who = race.call.caller === "racedesk" ? "" : ` (${race.call.caller})`;
    return `${PARTY[race.call.winner] ?? race.call.winner}${who} ${time(race.call.at)}`;
  }

  function renderTable() {
    const { key, dir } = view.sort;
    const rows = [...view.races].sort((a, b) => {
      const x = sortValue(a, key), y = sortValue(b, key);
      return (x < y ? -1 : x > y ? 1 : a.race < b.race ? -1 : 1) * dir;
    });
    const body = $("#races-table tbody");
    body.replaceChildren(...rows.map((race) => {
      const tr = document.createElement("tr");
      tr.dataset.race = race.race;
      const cells = [race.race, race.electors, LABEL[race.display], pct(race.share_counted),
        margin(race.counted_margin), margin(race.estimate?.margin), intervalText(race), callText(race)];
      cells.forEach((text, i) => {
        const td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) td.scope = "row";
        if (i === 2) {
          const dot = document.createElement("span");
          dot.className = `dot swatch ${race.display}`;
          td.append(dot);
        }
        td.append(String(text));
        tr.append(td);
      });
      return tr;
    }));
    for (const th of document.querySelectorAll("#races-table thead th")) {
      const b = th.querySelector("button");
      th.setAttribute("aria-sort", b.dataset.key === key ? (dir > 0 ? "ascending" : "descending") : "none");
    }
  }

  function renderCollege() {
    const c = view.college;
    if (!c) return;
    const width = (n) => `${(100 * n / c.appointed).toFixed(2)}%`;
    $("#bar-dem").style.width = width(c.called.dem);
    $("#bar-gop").style.width = width(c.called.gop);
    $(".bar .mark").style.left = width(c.majority);
    $("#majority").textContent = c.majority;
    $("#mark-label").textContent = c.majority;
    $("#bar").setAttribute("aria-label",
      `Called: Democrat ${c.called.dem}, Republican ${c.called.gop} of ${c.appointed}; ${c.majority} to win`);
    $("#called-dem").textContent = c.called.dem;
    $("#called-gop").textContent = c.called.gop;
    $("#uncalled").textContent = c.uncalled_electors;
    $("#prob-dem").textContent = c.win_probability ? pct(c.win_probability.dem) : "–";
    $("#prob-gop").textContent = c.win_probability ? pct(c.win_probability.gop) : "–";
    $("#tipping").textContent = c.tipping_point ? c.tipping_point.race : "–";
    $("#outcome").textContent = c.outcome === "undecided" ? "" : c.message;
  }

  function renderDetail() {
    const race = view.byRace.get(view.selected);
    if (!race) return;
    const tile = document.querySelector(`g.tile[data-race="${race.race}"]`);
    const parts = [`<h3>${tile ? tile.dataset.name : race.race}</h3>`,
      `<p><strong>${LABEL[race.display]}</strong> · ${race.status.label}</p>`,
      `<p>Counted ${pct(race.share_counted)} · counted margin ${margin(race.counted_margin)}</p>`];
    if (race.estimate) {
      parts.push(`<p>Estimate ${margin(race.estimate.margin)}, 90% interval ${intervalText(race)}</p>`);
    }
    if (race.call) parts.push(`<p>Call: ${callText(race)}</p>`);
    const reasons = race.call ? race.call.reasons : race.status.reasons;
    for (const why of reasons.slice(0, 3)) parts.push(`<p class="why"></p>`);
    const detail = $("#detail");
    detail.innerHTML = parts.join("");
    detail.querySelectorAll(".why").forEach((p, i) => { p.textContent = reasons[i]; });
  }

  function addCall(event, prepend) {
    if (view.seenCalls.has(event.seq)) return;
    view.seenCalls.add(event.seq);
    const p = event.payload || {};
    const li = document.createElement("li");
    li.className = `${p.winner ?? ""} ${event.kind}`;
    const what = event.kind === "retracted"
      ? `${event.race}: call for the ${PARTY[p.winner] ?? p.winner} retracted`
      : `${event.race} called for the ${PARTY[p.winner] ?? p.winner}`;
    const strong = document.createElement("strong");
    strong.textContent = what;
    const when = document.createElement("span");
    when.className = "when";
    when.textContent = ` · ${event.actor} · ${day(event.at)} ${time(event.at)}`;
    const why = document.createElement("span");
    why.className = "why";
    why.textContent = (p.reasons || []).join("; ");
    li.append(strong, when, why);
    const feed = $("#calls-feed");
    if (prepend) feed.prepend(li); else feed.append(li);
  }

  async function refresh() {
    const [races, college] = await Promise.all([getJSON("/races"), getJSON("/college")]);
    view.races = races.races;
    view.byRace = new Map(races.races.map((r) => [r.race, r]));
    view.college = college;
    view.seq = Math.max(view.seq, races.seq);
    $("#clock").textContent = races.at
      ? `Desk clock ${day(races.at)} ${time(races.at)}${races.cycle ? ` · cycle ${races.cycle}` : ""}`
      : "No desk cycle yet";
    renderMap();
    renderTable();
    renderCollege();
    renderDetail();
    document.body.dataset.seq = String(view.seq);
    refreshCallers().catch(() => { $("#callers-president").textContent = "Callers unavailable"; });
  }

  // Who called the presidency, when, and where racedesk stands (GET /callers; every 10 s at most).
  let callersAt = 0;
  async function refreshCallers() {
    if (Date.now() - callersAt < 10000) return;
    callersAt = Date.now();
    const body = await getJSON("/callers");
    const president = body.president;
    const winner = president.winner ? PARTY[president.winner] : null;
    $("#callers-president").textContent = winner
      ? `Presidency: ${president.agreement === "split" ? "SPLIT — callers disagree" : "declared for the " + winner} (${president.calls.length} caller${president.calls.length === 1 ? "" : "s"})`
      : "Presidency: not declared by any caller yet";
    const list = $("#callers-list");
    list.replaceChildren();
    const standings = [...president.calls];
    if (president.racedesk) standings.push(president.racedesk);
    for (const call of standings) {
      const item = document.createElement("li");
      item.dataset.caller = call.caller;
      item.textContent = `${call.caller}: ${PARTY[call.winner] ?? call.winner} · ${day(call.at)} ${time(call.at)}${call.retracted ? " (retracted)" : ""}`;
      list.append(item);
    }
  }

  let timer = null;
  function scheduleRefresh() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      refresh().catch(() => setConnection("reconnecting", "update failed; retrying"));
    }, 100);
  }

  function follow() {
    const source = new EventSource(`${API}/events?after=${view.seq}`);
    source.onopen = () => setConnection("live", "live");
    source.onerror = () => setConnection("reconnecting", "reconnecting…");
    const onEvent = (message) => {
      const event = JSON.parse(message.data);
      view.seq = Math.max(view.seq, event.seq);
      if (event.kind === "called" || event.kind === "retracted") addCall(event, true);
      scheduleRefresh();
    };
    for (const kind of ["cycle", "called", "retracted", "president_elect"]) {
      source.addEventListener(kind, onEvent);
    }
  }

  function select(race) {
    view.selected = race;
    renderDetail();
  }

  function wire() {
    for (const tile of document.querySelectorAll("g.tile")) {
      tile.addEventListener("click", () => select(tile.dataset.race));
      tile.addEventListener("focus", () => select(tile.dataset.race));
      tile.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(tile.dataset.race); }
      });
    }
    for (const button of document.querySelectorAll("#races-table thead button")) {
      button.addEventListener("click", () => {
        const key = button.dataset.key;
        view.sort = { key, dir: view.sort.key === key ? -view.sort.dir : (key === "race" ? 1 : -1) };
        renderTable();
      });
    }
  }

  async function start() {
    wire();
    try {
      await refresh();
      const calls = await getJSON("/calls");
      for (const event of calls.calls) addCall(event, true);
    } catch (error) {
      setConnection("reconnecting", String(error));
    }
    follow();
  }

  start();
})();

// The board page only renders: every snapshot arrives over Server-Sent Events from the server,
// which asks Prometheus and Alertmanager once per interval for all screens. Words come from the
// server (snapshot and the #client block); no HTML is built from strings (textContent only).
(function () {
  "use strict";

  var client = JSON.parse(document.getElementById("client").textContent);
  var slug = document.querySelector("main.layout").dataset.municipality;
  var params = new URLSearchParams(location.search);
  var tv = params.has("tv");
  var sound = params.has("sound");
  var rotate = parseInt(params.get("rotate") || "0", 10);
  var source = null;
  var lastMessage = 0;
  var lastGood = null;
  var knownCritical = null;
  var SILENCE = (3 * client.interval + 2) * 1000;  // ms without a snapshot before the page calls itself stale

  if (tv) document.body.classList.add("tv");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var offset = 0;  // seconds east of UTC of the municipality, from the snapshot
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hhmm(d) {
    var local = new Date(d.getTime() + offset * 1000);
    return pad(local.getUTCHours()) + ":" + pad(local.getUTCMinutes());
  }

  function tick() {
    // the municipality's local time: the browser's clock shifted by the zone offset the server sent
    var now = new Date(Date.now() + offset * 1000);
    document.getElementById("clock").textContent =
      pad(now.getUTCHours()) + ":" + pad(now.getUTCMinutes()) + ":" + pad(now.getUTCSeconds());
    if (lastMessage && Date.now() - lastMessage > SILENCE) {
      var since = lastGood ? " " + client.since + " " + hhmm(lastGood) : "";
      setState("stale", "⚠ " + client.stale + since + " — " + client.reasons.server);
      document.body.classList.add("is-stale");
      reconnect();
      lastMessage = Date.now();  // retry once per silence period, not every second
    }
  }

  function setState(kind, text) {
    var node = document.getElementById("state");
    node.className = "state state-" + kind;
    node.textContent = text;
  }

  function renderCell(c, withSub) {
    var node = el("div", "cell status-" + c.status + (c.big ? " cell-big" : "") + (c.row ? " row" : " block"));
    node.appendChild(el("div", "label", c.label));
    var value = el("div", "value");
    var number = el("span", "number", c.value);
    number.dataset.query = c.query;
    number.dataset.kind = c.kind;
    value.appendChild(number);
    if (c.unit) value.appendChild(el("span", "unit", c.unit));
    if (c.symbol) value.appendChild(el("span", "inline-verdict", c.symbol));  // where the meta line is hidden
    node.appendChild(value);
    var meta = el("div", "meta");
    if (c.symbol) {
      var verdict = el("span", "verdict", c.symbol);
      verdict.appendChild(el("span", "word", " " + c.word));
      meta.appendChild(verdict);
    }
    if (c.norm) meta.appendChild(el("span", "norm", c.norm));
    if (meta.childNodes.length) node.appendChild(meta);
    if (withSub) {
      c.sub.forEach(function (s) {
        var sub = el("div", "sub status-" + s.status);
        sub.appendChild(el("span", "sublabel", s.label + " "));
        var n = el("span", "number", s.value);
        n.dataset.query = s.query;
        n.dataset.kind = s.kind;
        sub.appendChild(n);
        if (s.symbol) sub.appendChild(el("span", "verdict", " " + s.symbol));
        if (s.trend) {
          var arrow = el("span", "trend trend-" + s.trend.direction, " " + s.trend.symbol);
          arrow.title = s.trend.text;
          arrow.setAttribute("aria-hidden", "true");
          sub.appendChild(arrow);
          sub.appendChild(el("span", "sr-only", s.trend.text));
        }
        node.appendChild(sub);
      });
    }
    return node;
  }

  var RANK = { none: 0, ok: 1, near: 2, bad: 3 };

  function renderTile(t, age) {
    var worst = "none";
    t.cells.forEach(function (c) {
      [c].concat(c.sub).forEach(function (x) { if (RANK[x.status] > RANK[worst]) worst = x.status; });
    });
    var node = el("div", "tile tile-" + t.size + " status-" + worst);
    var head = el("h3", "tile-title", t.title);
    if (age) head.appendChild(el("span", "age", " · " + age));
    node.appendChild(head);
    var cells = el("div", "cells");
    if (t.columns) {
      var head = el("div", "colhead");
      t.columns.forEach(function (name) { head.appendChild(el("span", null, name)); });
      cells.appendChild(head);
    }
    t.cells.forEach(function (c) { cells.appendChild(renderCell(c, true)); });
    node.appendChild(cells);
    return node;
  }

  function renderBand(b, age) {
    var section = document.getElementById("band-" + b.id);
    var next = document.createDocumentFragment();
    next.appendChild(el("h2", "band-title", b.title));
    var tiles = el("div", "tiles");
    b.tiles.forEach(function (t) { tiles.appendChild(renderTile(t, age)); });
    next.appendChild(tiles);
    section.replaceChildren(next);
  }

  function renderAlerts(snap) {
    var list = document.getElementById("alerts");
    var items = document.createDocumentFragment();
    if (!snap.alerts.length) items.appendChild(el("li", "quiet", snap.alerts_text));
    snap.alerts.forEach(function (a) {
      var li = el("li", "alert severity-" + a.severity);
      li.dataset.alertname = a.name;
      li.appendChild(el("span", "summary", (a.severity === "critical" ? "✕ " : "▲ ") + a.summary));
      li.appendChild(el("span", "since", a.since));
      items.appendChild(li);
    });
    list.replaceChildren(items);
  }

  // Plays a short tone once per newly firing critical alert (with ?sound); body[data-sounds] counts the tones
  // played, so a TV installer (and a test) can see that the sound works.
  function beepOnNewCritical(snap) {
    var critical = snap.alerts.filter(function (a) { return a.severity === "critical"; })
      .map(function (a) { return a.id; });
    var fresh = knownCritical !== null && critical.some(function (id) { return knownCritical.indexOf(id) < 0; });
    knownCritical = critical;
    if (!sound || !fresh || !window.AudioContext) return;
    try {
      var ctx = new AudioContext();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
      osc.onended = function () { ctx.close(); };
      ctx.resume().then(function () {  // resolves once the browser lets it play (autoplay policy)
        document.body.dataset.sounds = String(parseInt(document.body.dataset.sounds || "0", 10) + 1);
      });
    } catch (e) { /* a browser that refuses audio without a click stays silent */ }
  }

  function render(snap) {
    offset = snap.utc_offset;
    var stale = snap.state.stale;
    document.body.classList.toggle("is-stale", stale);
    document.body.classList.toggle("is-closed", snap.state.kind === "closed");
    setState(snap.state.kind, snap.state.text + (stale && snap.state.age ? " (" + snap.state.age + ")" : ""));
    snap.bands.forEach(function (b) { renderBand(b, stale ? snap.state.age : null); });
    renderAlerts(snap);
    beepOnNewCritical(snap);
    if (!stale) lastGood = new Date();
    document.body.dataset.generated = snap.generated;
    tick();  // the clock in the municipality's time zone at once, not a second later
  }

  function connect() {
    source = new EventSource("/" + slug + "/events");
    source.onmessage = function (event) {
      lastMessage = Date.now();
      render(JSON.parse(event.data));
    };
    source.onerror = function () {
      // The browser retries a dropped stream by itself; a refused one (e.g. an HTTP error while the
      // server restarts) is closed for good, so open a new one.
      if (source.readyState === EventSource.CLOSED) setTimeout(reconnect, 2000);
    };
  }

  function reconnect() {
    if (source) source.close();
    connect();
  }

  function scheduleRotation() {
    if (!rotate) return;
    var list = (params.get("m") || "").split(",").filter(function (s) { return client.all.indexOf(s) >= 0; });
    if (!list.length) list = client.all;
    var next = list[(list.indexOf(slug) + 1) % list.length];
    setTimeout(function () { location.assign("/" + next + location.search); }, rotate * 1000);
  }

  lastMessage = Date.now();
  connect();
  tick();
  setInterval(tick, 1000);
  scheduleRotation();
})();

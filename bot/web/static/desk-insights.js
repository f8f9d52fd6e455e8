// Svar desk: the supervisors' insights page. Fetches every table of the chosen period
// (GET /desk/api/insights, computed by bot/reports/insights.py), draws each with Chart.js
// (static/vendor/) above the table itself, and offers each as a CSV file. The charter's bars
// (CSAT, NPS, the phone-answer promise) are drawn in as dashed lines.
(function () {
  "use strict";

  var desk = window.SvarDesk, el = desk.el;
  var BLUE = "#0b5cad", GREEN = "#1f7a3f", ORANGE = "#b54708", RED = "#b42318", GREY = "#5a6475";
  var PALETTE = [BLUE, GREEN, ORANGE, RED, "#6941c6", "#0e9384", GREY, "#c11574"];
  // How each table is drawn: its chart type, the label column, the columns drawn, the bar's column.
  var CHARTS = {
    per_day: { type: "line", values: ["containment_pct", "fcr_pct"], max: 100 },
    per_topic: { type: "bar", values: ["containment_pct", "fcr_pct"], max: 100 },
    outcomes: { type: "bar", values: ["contacts"] },
    csat: { type: "line", values: ["csat_pct"], bar: "excellent_above", max: 100 },
    nps: { type: "line", values: ["nps"], bar: "excellent_above", min: -100, max: 100 },
    handoff_reasons: { type: "bar", values: ["handoffs"] },
    queue_waits: { type: "bar", transpose: ["median_minutes", "p90_minutes"], bar: "promise_minutes" },
    promises: { type: "bar", values: ["kept", "late", "missed"], stacked: true, colours: [GREEN, ORANGE, RED] },
    misses: { type: "bar", label: "message", values: ["times"], horizontal: true },
    channels: { type: "doughnut", values: ["contacts"] },
    languages: { type: "doughnut", values: ["contacts"] }
  };
  var T = {};

  desk.texts.then(function (texts) {
    T = texts.insights;
    document.title = T.title;
    document.querySelectorAll("[data-in-text]").forEach(function (node) { node.textContent = T[node.dataset.inText]; });
    var query = new URLSearchParams(location.search);
    if (query.get("from")) document.getElementById("period-from").value = query.get("from");
    if (query.get("to")) document.getElementById("period-to").value = query.get("to");
    document.getElementById("period").addEventListener("submit", function (event) {
      event.preventDefault();
      load(document.getElementById("period-from").value, document.getElementById("period-to").value);
    });
    load(query.get("from") || "", query.get("to") || "");
  });

  function load(from, to) {
    var params = new URLSearchParams();
    if (from) params.set("from", from);
    if (to) params.set("to", to);
    var error = document.getElementById("insights-error");
    desk.request("GET", "/desk/api/insights?" + params).then(function (data) {
      error.hidden = true;
      document.getElementById("period-from").value = data.from;
      document.getElementById("period-to").value = data.to;
      show(data);
    }).catch(function (why) {
      error.textContent = desk.format(T.failed, { why: why.message });
      error.hidden = false;
    });
  }

  function show(data) {
    var main = document.getElementById("insights");
    main.replaceChildren();
    data.tables.forEach(function (table) {
      var card = el("section", "insight");
      card.dataset.table = table.name;
      card.appendChild(el("h2", null, T["t_" + table.name] || table.name));
      if (!table.rows.length) {
        card.appendChild(el("p", "empty", T.empty));
      } else {
        var box = el("div", "chart");
        var canvas = el("canvas");
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", T["t_" + table.name] || table.name);
        box.appendChild(canvas);
        card.appendChild(box);
        card.appendChild(tableOf(table));
      }
      var csv = el("a", "csv", T.csv);
      csv.href = "/desk/api/insights.csv?" + new URLSearchParams({ table: table.name, from: data.from, to: data.to });
      csv.setAttribute("download", "");
      card.appendChild(csv);
      main.appendChild(card);
      if (table.rows.length) draw(canvas, table);
    });
  }

  function column(table, name) { return table.columns.indexOf(name); }

  // A code in a table (how a contact ended, why a person took over, a channel) in words.
  function shown(value) { return T["v_" + value] || String(value); }

  function draw(canvas, table) {
    var spec = CHARTS[table.name] || { type: "bar", values: table.columns.slice(1) };
    var labelAt = spec.label ? column(table, spec.label) : 0;
    var labels, datasets;
    if (spec.transpose) {
      labels = spec.transpose.map(function (name) { return T["c_" + name] || name; });
      datasets = [{ label: T["t_" + table.name], data: spec.transpose.map(function (name) { return table.rows[0][column(table, name)]; }),
                    backgroundColor: BLUE }];
    } else {
      labels = table.rows.map(function (row) { return shown(row[labelAt]); });
      datasets = spec.values.map(function (name, i) {
        var colour = (spec.colours || PALETTE)[i % PALETTE.length];
        return { label: T["c_" + name] || name, data: table.rows.map(function (row) { return row[column(table, name)]; }),
                 backgroundColor: spec.type === "doughnut" ? PALETTE : colour, borderColor: colour };
      });
    }
    if (spec.bar) {
      var bar = table.rows[0][column(table, spec.bar)];
      var text = spec.transpose ? desk.format(T.promise, { minutes: bar }) : desk.format(T.excellent, { bar: bar });
      datasets.push({ type: "line", label: text, data: labels.map(function () { return bar; }), borderColor: GREY,
                      borderDash: [6, 4], pointRadius: 0, fill: false });
    }
    var scales = spec.type === "doughnut" ? {} : {
      x: { stacked: !!spec.stacked },
      y: { stacked: !!spec.stacked, beginAtZero: spec.min === undefined, min: spec.min, max: spec.max }
    };
    if (spec.horizontal) scales = { x: { beginAtZero: true }, y: {} };
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: spec.horizontal ? "y" : "x", scales: scales }
    });
    // How many values it drew, for whoever checks the page (the browser test).
    canvas.dataset.points = String(chart.data.datasets.reduce(function (n, d) { return n + d.data.length; }, 0));
  }

  function tableOf(table) {
    var wrap = el("div", "table-wrap");
    var node = el("table");
    var head = el("tr");
    table.columns.forEach(function (name) { head.appendChild(el("th", null, T["c_" + name] || name)); });
    node.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    table.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (value) {
        var cell = el("td", typeof value === "number" ? "number" : null, value === null ? "–" : shown(value));
        if (typeof value === "string") cell.dataset.value = value;  // the code, as the CSV has it
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    });
    node.appendChild(body);
    wrap.appendChild(node);
    return wrap;
  }
})();

// Svar agent desk: the callbacks panel. Promises to call customers back, soonest deadline
// first, with a live countdown; overdue and due-soon promises stand out. An agent takes one
// ("Call"), then records whether the customer was reached. Texts are set with textContent.
(function () {
  "use strict";

  var TEXTS = {
    nb: { callbacks: "Ring tilbake", none: "Ingen venter på å bli ringt.", take: "Ring", reached: "Nådd",
          not_reached: "Ikke svar", due_in: "frist om {t}", overdue: "fristen gikk ut for {t} siden",
          calling: "{agent} ringer", attempts: "{n} forsøk", any_time: "når som helst", failed: "Det gikk ikke: {why}" },
    en: { callbacks: "Call back", none: "Nobody is waiting for a call.", take: "Call", reached: "Reached",
          not_reached: "No answer", due_in: "due in {t}", overdue: "overdue by {t}",
          calling: "{agent} is calling", attempts: "{n} attempts", any_time: "any time", failed: "That did not work: {why}" }
  };
  var T = TEXTS[(navigator.language || "nb").slice(0, 2) === "en" ? "en" : "nb"];
  var POLL_MS = 15000;
  var state = { me: null, csrf: "", offset: 0, soon: 7200, callbacks: [] };
  var list = document.getElementById("callbacks");
  if (!list) return;
  document.querySelectorAll("[data-cb-text]").forEach(function (node) {
    node.textContent = T[node.getAttribute("data-cb-text")];
  });

  refresh();
  setInterval(refresh, POLL_MS);
  setInterval(render, 1000);

  function refresh() {
    var me = state.me ? Promise.resolve(state.me) : request("GET", "/desk/api/me").then(function (me) {
      state.me = me.agent; state.csrf = me.csrf; return me;
    });
    me.then(function () { return request("GET", "/desk/api/callbacks"); }).then(function (data) {
      state.offset = data.now * 1000 - Date.now();  // the server's clock decides what is overdue
      state.soon = data.due_soon_seconds;
      state.callbacks = data.callbacks;
      render();
    }).catch(function () { state.me = null; });  // not logged in yet: try again on the next poll
  }

  function render() {
    var now = (Date.now() + state.offset) / 1000;
    document.getElementById("callbacks-count").textContent = String(state.callbacks.length);
    document.getElementById("callbacks-empty").hidden = state.callbacks.length > 0;
    list.replaceChildren.apply(list, state.callbacks.map(function (c) { return item(c, now); }));
  }

  function item(c, now) {
    var left = c.deadline - now;
    var li = el("li", "callback" + (left < 0 ? " overdue" : left <= state.soon ? " due-soon" : ""));
    li.dataset.id = c.id;
    var head = el("div", "callback-head");
    head.append(el("strong", null, c.name), el("span", "deadline",
      left < 0 ? format(T.overdue, { t: span(-left) }) : format(T.due_in, { t: span(left) })));
    var phone = el("a", "phone", c.phone_display);
    phone.href = "tel:" + c.phone;
    var meta = el("p", "meta", [c.topic, c.time_window === "any" ? T.any_time : c.time_window,
      c.language.toUpperCase(), c.attempts.length ? format(T.attempts, { n: c.attempts.length }) : ""]
      .filter(Boolean).join(" · "));
    li.append(head, phone, meta);
    var actions = el("div", "callback-actions");
    if (c.status === "calling") {
      if (c.agent === state.me.username) {
        actions.append(button(T.reached, "primary", function () { attempt(c, true); }),
                       button(T.not_reached, null, function () { attempt(c, false); }));
      } else {
        actions.append(el("span", "meta", format(T.calling, { agent: c.agent })));
      }
    } else {
      actions.append(button(T.take, "primary", function () { take(c); }));
    }
    li.append(actions);
    return li;
  }

  function take(c) {
    request("POST", "/desk/api/callbacks/" + encodeURIComponent(c.id) + "/take", {})
      .then(refresh).catch(failed);
  }

  function attempt(c, reached) {
    request("POST", "/desk/api/callbacks/" + encodeURIComponent(c.id) + "/attempts", { reached: reached })
      .then(refresh).catch(failed);
  }

  function failed(error) { alertText(format(T.failed, { why: error.message })); refresh(); }

  function alertText(text) {
    var toast = document.getElementById("toast");
    if (toast) { toast.textContent = text; toast.hidden = false; setTimeout(function () { toast.hidden = true; }, 5000); }
  }

  function span(seconds) {
    var minutes = Math.floor(seconds / 60), hours = Math.floor(minutes / 60), days = Math.floor(hours / 24);
    if (days > 0) return days + " d " + (hours % 24) + " h";
    if (hours > 0) return hours + " h " + (minutes % 60) + " min";
    return minutes + " min";
  }

  function request(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = state.csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data;
      });
    });
  }

  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
})();

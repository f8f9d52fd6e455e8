// Svar agent desk: the helpers the desk's scripts share (desk.js, desk-callbacks.js, ...). One way to
// call the desk API (JSON, the session cookie, the CSRF token on every write), one toast, and
// safe element building: texts are always set with textContent. The texts themselves come from
// the server (GET /desk/texts, content/locale.yml) in the agent's language: the one picked with
// the language switch (kept in this browser), else the browser's own when the company has it.
(function () {
  "use strict";

  var csrf = "";
  var toastTimer = null;
  var LANGUAGE_KEY = "svar-desk-language";

  window.SvarDesk = {
    // The token from /desk/api/me; every request with a body sends it.
    setCsrf: function (token) { csrf = token; },

    request: function (method, path, body) {
      var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
      if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.headers["X-CSRF-Token"] = csrf;
        options.body = JSON.stringify(body);
      }
      return fetch(path, options).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error(data.error || response.statusText);
          return data;
        });
      });
    },

    toast: function (text) {
      var node = document.getElementById("toast");
      if (!node) return;
      node.textContent = text;
      node.hidden = false;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(function () { node.hidden = true; }, 4000);
    },

    format: function (template, values) {
      return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
    },

    el: function (tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text !== undefined && text !== null) node.textContent = text;
      return node;
    },

    button: function (text, cls, onClick) {
      var b = window.SvarDesk.el("button", cls, text);
      b.type = "button";
      b.addEventListener("click", onClick);
      return b;
    },

    // A panel of cases with deadlines (complaints, follow-ups): polled from `o.path` (its list in
    // `o.field`), rebuilt with `o.item(record, me)` unless the agent is writing in it, and every
    // second each card's countdown to `o.deadline` (units and words: the callbacks' texts, U).
    deadlineList: function (o) {
      var desk = window.SvarDesk, U = o.units;
      var state = { me: null, offset: 0, soon: 0, items: [] };
      function writing() {
        var active = document.activeElement;
        return o.list.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
      }
      function refresh() {
        var me = state.me ? Promise.resolve(state.me) : desk.request("GET", "/desk/api/me").then(function (me) {
          state.me = me.agent; desk.setCsrf(me.csrf); return me;
        });
        me.then(function () { return desk.request("GET", o.path); }).then(function (data) {
          state.offset = data.now * 1000 - Date.now();  // the server's clock decides what is late
          state.soon = data.due_soon_seconds;
          state.items = data[o.field];
          if (!writing()) render();  // what an agent is writing is not thrown away by a poll
        }).catch(function () { state.me = null; });  // not logged in yet: again on the next poll
      }
      function render() {
        document.getElementById(o.count).textContent = String(state.items.length);
        document.getElementById(o.empty).hidden = state.items.length > 0;
        o.list.replaceChildren.apply(o.list, state.items.map(function (item) { return o.item(item, state.me); }));
        tick();
      }
      function tick() {
        var now = (Date.now() + state.offset) / 1000;
        state.items.forEach(function (item) {
          var li = o.list.querySelector('li[data-id="' + CSS.escape(item.id) + '"]');
          if (!li) return;
          var left = item[o.deadline] - now;
          li.classList.toggle("overdue", left < 0);
          li.classList.toggle("due-soon", left >= 0 && left <= state.soon);
          li.querySelector(".deadline").textContent = left < 0
            ? desk.format(U.overdue, { t: desk.span(-left, U) }) : desk.format(U.due_in, { t: desk.span(left, U) });
        });
      }
      refresh();
      setInterval(refresh, 15000);
      setInterval(tick, 1000);
      return { refresh: refresh };
    },

    // A time left or past, as "2 d 3 h", "3 h 5 min" or "12 min" (units: the callbacks' texts).
    span: function (seconds, T) {
      var minutes = Math.floor(seconds / 60), hours = Math.floor(minutes / 60), days = Math.floor(hours / 24);
      var format = window.SvarDesk.format;
      if (days > 0) return format(T.days, { d: days, h: hours % 24 });
      if (hours > 0) return format(T.hours, { h: hours, m: minutes % 60 });
      return format(T.minutes, { m: minutes });
    }
  };

  // {language, languages: [{code, name}], desk: {key: text}, callbacks: {key: text}}
  window.SvarDesk.texts = loadTexts().then(function (texts) {
    document.documentElement.lang = texts.language;
    document.querySelectorAll("select.desk-language").forEach(function (select) { languageSwitch(select, texts); });
    return texts;
  });

  function loadTexts() {
    var chosen = new URLSearchParams(location.search).get("lang") || "";
    try { chosen = chosen || localStorage.getItem(LANGUAGE_KEY) || ""; } catch (e) { /* storage off */ }
    var path = "/desk/texts" + (chosen ? "?lang=" + encodeURIComponent(chosen) : "");
    return window.SvarDesk.request("GET", path).catch(function () {  // the front door restarting: again
      return new Promise(function (resolve) { setTimeout(resolve, 2000); }).then(loadTexts);
    });
  }

  function languageSwitch(select, texts) {
    select.replaceChildren.apply(select, texts.languages.map(function (language) {
      var option = window.SvarDesk.el("option", null, language.name);
      option.value = language.code;
      option.lang = language.code;
      return option;
    }));
    select.value = texts.language;
    select.setAttribute("aria-label", texts.desk.desk_language);
    select.hidden = texts.languages.length < 2;
    select.addEventListener("change", function () {
      try { localStorage.setItem(LANGUAGE_KEY, select.value); } catch (e) { /* the address keeps it */ }
      location.search = "?lang=" + encodeURIComponent(select.value);
    });
  }
})();

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

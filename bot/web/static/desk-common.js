// Svar agent desk: the helpers the desk's scripts share (desk.js, desk-callbacks.js). One way to
// call the desk API (JSON, the session cookie, the CSRF token on every write), one toast, and
// safe element building: texts are always set with textContent.
(function () {
  "use strict";

  var csrf = "";
  var toastTimer = null;

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
    }
  };
})();

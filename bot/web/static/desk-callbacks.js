// Svar agent desk: the callbacks panel. Promises to call customers back, soonest deadline
// first, with a live countdown; overdue and due-soon promises stand out. An agent takes one,
// then records whether the customer was reached. Texts are set with textContent.
(function () {
  "use strict";

  var T = {};  // the panel's texts in the agent's language (desk-common.js, content/locale.yml)
  var POLL_MS = 15000;
  var request = SvarDesk.request, format = SvarDesk.format, el = SvarDesk.el, button = SvarDesk.button;
  var state = { me: null, offset: 0, soon: 7200, callbacks: [], notes: {} };
  var list = document.getElementById("callbacks");
  if (!list) return;

  SvarDesk.texts.then(function (texts) {
    T = texts.callbacks;
    document.querySelectorAll("[data-cb-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-cb-text")] || "";
    });
    refresh();
    setInterval(refresh, POLL_MS);
    setInterval(tick, 1000);
  });

  function refresh() {
    var me = state.me ? Promise.resolve(state.me) : request("GET", "/desk/api/me").then(function (me) {
      state.me = me.agent; SvarDesk.setCsrf(me.csrf); return me;
    });
    me.then(function () { return request("GET", "/desk/api/callbacks"); }).then(function (data) {
      state.offset = data.now * 1000 - Date.now();  // the server's clock decides what is overdue
      state.soon = data.due_soon_seconds;
      state.callbacks = data.callbacks;
      render();
    }).catch(function () { state.me = null; });  // not logged in yet: try again on the next poll
  }

  function render() {
    // An agent may be typing a note: the rebuilt list gives the cursor back where it was.
    var typing = document.activeElement;
    var typingIn = typing && typing.classList.contains("callback-note") ? typing.closest("li").dataset.id : null;
    var caret = typingIn ? [typing.selectionStart, typing.selectionEnd] : null;
    document.getElementById("callbacks-count").textContent = String(state.callbacks.length);
    document.getElementById("callbacks-empty").hidden = state.callbacks.length > 0;
    list.replaceChildren.apply(list, state.callbacks.map(item));
    tick();
    var note = typingIn && list.querySelector('li[data-id="' + CSS.escape(typingIn) + '"] .callback-note');
    if (note) { note.focus(); note.setSelectionRange(caret[0], caret[1]); }
  }

  // Every second: the countdowns and which promises stand out, without rebuilding the list.
  function tick() {
    var now = (Date.now() + state.offset) / 1000;
    state.callbacks.forEach(function (c) {
      var li = list.querySelector('li[data-id="' + CSS.escape(c.id) + '"]');
      if (!li) return;
      var left = c.deadline - now;
      li.classList.toggle("overdue", left < 0);
      li.classList.toggle("due-soon", left >= 0 && left <= state.soon);
      li.querySelector(".deadline").textContent =
        left < 0 ? format(T.overdue, { t: span(-left) }) : format(T.due_in, { t: span(left) });
    });
  }

  function item(c) {
    var li = el("li", "callback");
    li.dataset.id = c.id;
    var head = el("div", "callback-head");
    head.append(el("strong", null, c.name), el("span", "deadline"));
    var phone = el("a", "phone", c.phone_display);
    phone.href = "tel:" + c.phone;
    var meta = el("p", "meta", [c.topic, c.time_window === "any" ? T.any_time : c.time_window,
      c.language.toUpperCase(), c.attempts.length ? format(T.attempts, { n: c.attempts.length }) : ""]
      .filter(Boolean).join(" · "));
    li.append(head, phone, meta);
    var last = c.attempts[c.attempts.length - 1];
    if (last && last.note) li.append(el("p", "attempt-note", format(T.last_note, { agent: last.agent, note: last.note })));
    var actions = el("div", "callback-actions");
    if (c.status === "calling") {
      if (c.agent === state.me.username) {
        // What was said or tried goes with the attempt, for whoever calls next.
        var note = el("input", "callback-note");
        note.type = "text";
        note.maxLength = 1000;  // as much as the server keeps (bot/desk/callbacks.py)
        note.placeholder = T.note;
        note.setAttribute("aria-label", T.note);
        note.value = state.notes[c.id] || "";
        note.addEventListener("input", function () { state.notes[c.id] = note.value; });
        actions.append(note,
                       button(T.reached, "primary", function () { attempt(c, true, note.value); }),
                       button(T.not_reached, null, function () { attempt(c, false, note.value); }));
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

  function attempt(c, reached, note) {
    request("POST", "/desk/api/callbacks/" + encodeURIComponent(c.id) + "/attempts", { reached: reached, note: note })
      .then(function () { delete state.notes[c.id]; refresh(); }).catch(failed);  // a failed save keeps the draft
  }

  function failed(error) { SvarDesk.toast(format(T.failed, { why: error.message })); refresh(); }

  function span(seconds) { return SvarDesk.span(seconds, T); }
})();

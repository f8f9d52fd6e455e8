// Svar agent desk: the follow-ups panel. Chats closed as "follow up", each a promise to contact
// the customer again by a date, soonest first with a live countdown. An agent takes one, then
// records whether it is done or the customer was not reached (it goes back). Texts: textContent.
(function () {
  "use strict";

  var T = {}, U = {};  // this panel's texts, and the callbacks' (time units) in the agent's language
  var POLL_MS = 15000;
  var request = SvarDesk.request, format = SvarDesk.format, el = SvarDesk.el, button = SvarDesk.button;
  var state = { me: null, offset: 0, soon: 14400, followUps: [], notes: {} };
  var list = document.getElementById("follow-ups");
  if (!list) return;

  SvarDesk.texts.then(function (texts) {
    T = texts.follow_ups;
    U = texts.callbacks;
    document.querySelectorAll("[data-fu-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-fu-text")] || "";
    });
    refresh();
    setInterval(refresh, POLL_MS);
    setInterval(tick, 1000);
  });

  function refresh() {
    var me = state.me ? Promise.resolve(state.me) : request("GET", "/desk/api/me").then(function (me) {
      state.me = me.agent; SvarDesk.setCsrf(me.csrf); return me;
    });
    me.then(function () { return request("GET", "/desk/api/follow-ups"); }).then(function (data) {
      state.offset = data.now * 1000 - Date.now();
      state.soon = data.due_soon_seconds;
      state.followUps = data.follow_ups;
      if (!writing()) render();
    }).catch(function () { state.me = null; });
  }

  // An agent writing in the list (a field has the focus): a poll must not throw it away.
  function writing() {
    var active = document.activeElement;
    return list.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function render() {
    document.getElementById("follow-ups-count").textContent = String(state.followUps.length);
    document.getElementById("follow-ups-empty").hidden = state.followUps.length > 0;
    list.replaceChildren.apply(list, state.followUps.map(item));
    tick();
  }

  function tick() {
    var now = (Date.now() + state.offset) / 1000;
    state.followUps.forEach(function (f) {
      var li = list.querySelector('li[data-id="' + CSS.escape(f.id) + '"]');
      if (!li) return;
      var left = f.due - now;
      li.classList.toggle("overdue", left < 0);
      li.classList.toggle("due-soon", left >= 0 && left <= state.soon);
      li.querySelector(".deadline").textContent = left < 0
        ? format(U.overdue, { t: SvarDesk.span(-left, U) }) : format(U.due_in, { t: SvarDesk.span(left, U) });
    });
  }

  function item(f) {
    var li = el("li", "callback follow-up");
    li.dataset.id = f.id;
    var head = el("div", "callback-head");
    head.append(el("strong", "case", format(T.case, { case: f.case_number })), el("span", "deadline"));
    li.append(head, el("p", "meta", [f.topic, f.channel, f.language.toUpperCase(), f.conversation_id]
      .filter(Boolean).join(" · ")));
    var last = f.outcomes[f.outcomes.length - 1];
    if (last && last.note) li.append(el("p", "attempt-note", format(U.last_note, { agent: last.agent, note: last.note })));
    var actions = el("div", "callback-actions");
    if (f.status === "taken" && f.agent === state.me.username) {
      var note = el("input", "callback-note");
      note.type = "text";
      note.maxLength = 1000;  // as much as the server keeps (bot/desk/follow_ups.py)
      note.placeholder = T.note;
      note.setAttribute("aria-label", T.note);
      note.value = state.notes[f.id] || "";
      note.addEventListener("input", function () { state.notes[f.id] = note.value; });
      actions.append(note,
                     button(T.done, "primary", function () { outcome(f, true, note.value); }),
                     button(T.not_reached, null, function () { outcome(f, false, note.value); }));
    } else if (f.status === "taken") {
      actions.append(el("span", "meta", format(T.taken_by, { agent: f.agent })));
    } else {
      actions.append(button(T.take, "primary", function () { take(f); }));
    }
    li.append(actions);
    return li;
  }

  function take(f) {
    request("POST", "/desk/api/follow-ups/" + encodeURIComponent(f.id) + "/take", {})
      .then(refresh).catch(failed);
  }

  function outcome(f, done, note) {
    request("POST", "/desk/api/follow-ups/" + encodeURIComponent(f.id) + "/outcome", { done: done, note: note })
      .then(function () { delete state.notes[f.id]; document.activeElement.blur(); refresh(); })
      .catch(failed);
  }

  function failed(error) { SvarDesk.toast(format(T.failed, { why: error.message })); refresh(); }
})();

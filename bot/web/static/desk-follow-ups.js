// Svar agent desk: the follow-ups panel. Chats closed as "follow up", each a promise to contact
// the customer again by a date, soonest first with a live countdown (SvarDesk.deadlineList).
// An agent takes one, then records whether it is done or the customer was not reached (it goes
// back). Texts are set with textContent.
(function () {
  "use strict";

  var T = {}, U = {};  // this panel's texts, and the callbacks' (time units) in the agent's language
  var format = SvarDesk.format, el = SvarDesk.el, button = SvarDesk.button;
  var notes = {}, panel = null;
  var list = document.getElementById("follow-ups");
  if (!list) return;

  SvarDesk.texts.then(function (texts) {
    T = texts.follow_ups;
    U = texts.callbacks;
    document.querySelectorAll("[data-fu-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-fu-text")] || "";
    });
    panel = SvarDesk.deadlineList({ list: list, path: "/desk/api/follow-ups", field: "follow_ups",
      deadline: "due", count: "follow-ups-count", empty: "follow-ups-empty", units: U, item: item });
  });

  function item(f, me) {
    var li = el("li", "callback follow-up");
    li.dataset.id = f.id;
    var head = el("div", "callback-head");
    head.append(el("strong", "case", format(T.case, { case: f.case_number })), el("span", "deadline"));
    li.append(head, el("p", "meta", [f.topic, f.channel, f.language.toUpperCase(), f.conversation_id]
      .filter(Boolean).join(" · ")));
    var last = f.outcomes[f.outcomes.length - 1];
    if (last && last.note) li.append(el("p", "attempt-note", format(U.last_note, { agent: last.agent, note: last.note })));
    var actions = el("div", "callback-actions");
    if (f.status === "taken" && f.agent === me.username) {
      var note = el("input", "callback-note");
      note.type = "text";
      note.maxLength = 1000;  // as much as the server keeps (bot/desk/follow_ups.py)
      note.placeholder = T.note;
      note.setAttribute("aria-label", T.note);
      note.value = notes[f.id] || "";
      note.addEventListener("input", function () { notes[f.id] = note.value; });
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
    SvarDesk.request("POST", "/desk/api/follow-ups/" + encodeURIComponent(f.id) + "/take", {})
      .then(panel.refresh).catch(failed);
  }

  function outcome(f, done, note) {
    SvarDesk.request("POST", "/desk/api/follow-ups/" + encodeURIComponent(f.id) + "/outcome", { done: done, note: note })
      .then(function () { delete notes[f.id]; document.activeElement.blur(); panel.refresh(); })
      .catch(failed);
  }

  function failed(error) { SvarDesk.toast(format(T.failed, { why: error.message })); panel.refresh(); }
})();

// Svar agent desk: the complaints panel. Complaints to answer in writing, the one due first
// first, with a live countdown; late ones stand out. An agent takes one and writes the answer
// here: it goes to the customer in the channel the complaint came in, and by e-mail when the
// customer gave an address. A refusal, whole or in part, needs its reasons. Texts: textContent.
(function () {
  "use strict";

  var T = {}, U = {};  // this panel's texts, and the callbacks' (time units) in the agent's language
  var POLL_MS = 15000;
  var request = SvarDesk.request, format = SvarDesk.format, el = SvarDesk.el, button = SvarDesk.button;
  var state = { me: null, offset: 0, soon: 86400, complaints: [], drafts: {} };
  var list = document.getElementById("complaints");
  if (!list) return;

  SvarDesk.texts.then(function (texts) {
    T = texts.complaints;
    U = texts.callbacks;
    document.querySelectorAll("[data-cp-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-cp-text")] || "";
    });
    refresh();
    setInterval(refresh, POLL_MS);
    setInterval(tick, 1000);
  });

  function refresh() {
    var me = state.me ? Promise.resolve(state.me) : request("GET", "/desk/api/me").then(function (me) {
      state.me = me.agent; SvarDesk.setCsrf(me.csrf); return me;
    });
    me.then(function () { return request("GET", "/desk/api/complaints"); }).then(function (data) {
      state.offset = data.now * 1000 - Date.now();  // the server's clock decides what is late
      state.soon = data.due_soon_seconds;
      state.complaints = data.complaints;
      if (!writing()) render();
    }).catch(function () { state.me = null; });  // not logged in yet: try again on the next poll
  }

  // An agent writing in the list (a field has the focus): a poll must not throw it away.
  function writing() {
    var active = document.activeElement;
    return list.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function render() {
    document.getElementById("complaints-count").textContent = String(state.complaints.length);
    document.getElementById("complaints-empty").hidden = state.complaints.length > 0;
    list.replaceChildren.apply(list, state.complaints.map(item));
    tick();
  }

  function tick() {
    var now = (Date.now() + state.offset) / 1000;
    state.complaints.forEach(function (c) {
      var li = list.querySelector('li[data-id="' + CSS.escape(c.id) + '"]');
      if (!li) return;
      var left = c.answer_by - now;
      li.classList.toggle("overdue", left < 0);
      li.classList.toggle("due-soon", left >= 0 && left <= state.soon);
      li.querySelector(".deadline").textContent = left < 0
        ? format(U.overdue, { t: SvarDesk.span(-left, U) }) : format(U.due_in, { t: SvarDesk.span(left, U) });
    });
  }

  function item(c) {
    var li = el("li", "callback complaint");
    li.dataset.id = c.id;
    var head = el("div", "callback-head");
    head.append(el("strong", "case", format(T.case, { case: c.case_number })), el("span", "deadline"));
    var meta = el("p", "meta", [c.topic, c.channel, c.language.toUpperCase(),
      c.status === "late" ? T.late : ""].filter(Boolean).join(" · "));
    li.append(head, meta, el("blockquote", "complaint-words", c.text));
    if (c.email) li.append(el("p", "meta", format(T.email, { email: c.email })));
    var actions = el("div", "callback-actions");
    if (c.agent && c.agent === state.me.username) {
      actions.append(answerForm(c));
    } else if (c.agent) {
      actions.append(el("span", "meta", format(T.taken_by, { agent: c.agent })));
    } else {
      actions.append(button(T.take, "primary", function () { take(c); }));
    }
    li.append(actions);
    return li;
  }

  function answerForm(c) {
    var draft = state.drafts[c.id] || (state.drafts[c.id] = { decision: "upheld", text: "", reasons: "" });
    var form = el("form", "complaint-form");
    var decision = el("select", "complaint-decision");
    decision.setAttribute("aria-label", T.decision);
    ["upheld", "partly", "refused"].forEach(function (value) {
      var option = el("option", null, T[value]);
      option.value = value;
      decision.append(option);
    });
    decision.value = draft.decision;
    var text = el("textarea", "complaint-answer");
    text.rows = 4;
    text.placeholder = T.answer;
    text.setAttribute("aria-label", T.answer);
    text.value = draft.text;
    var reasons = el("textarea", "complaint-reasons");
    reasons.rows = 3;
    reasons.placeholder = T.reasons;
    reasons.setAttribute("aria-label", T.reasons);
    reasons.value = draft.reasons;
    function needsReasons() {
      reasons.hidden = decision.value === "upheld";  // checked on send, with the desk's own words
    }
    needsReasons();
    decision.addEventListener("change", function () { draft.decision = decision.value; needsReasons(); });
    text.addEventListener("input", function () { draft.text = text.value; });
    reasons.addEventListener("input", function () { draft.reasons = reasons.value; });
    var send = el("button", "primary", T.send);
    send.type = "submit";
    form.append(decision, text, reasons, send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!text.value.trim()) { SvarDesk.toast(T.answer_needed); return; }
      if (!reasons.hidden && !reasons.value.trim()) { SvarDesk.toast(T.reasons_needed); return; }
      send.disabled = true;
      request("POST", "/desk/api/complaints/" + encodeURIComponent(c.id) + "/answer",
              { decision: decision.value, text: text.value, reasons: reasons.hidden ? "" : reasons.value })
        .then(function (answered) {
          delete state.drafts[c.id];
          SvarDesk.toast(format(T.sent, { case: c.case_number, where: answered.delivered.join(", ") }));
          document.activeElement.blur();
          refresh();
        }).catch(function (error) { send.disabled = false; failed(error); });  // the draft stays
    });
    return form;
  }

  function take(c) {
    request("POST", "/desk/api/complaints/" + encodeURIComponent(c.id) + "/take", {})
      .then(refresh).catch(failed);
  }

  function failed(error) { SvarDesk.toast(format(T.failed, { why: error.message })); refresh(); }
})();

// Svar agent desk: the complaints panel. Complaints to answer in writing, the one due first
// first, with a live countdown; late ones stand out. An agent takes one and writes the answer
// here: it goes to the customer in the channel the complaint came in, and by e-mail when the
// customer gave an address. A refusal, whole or in part, needs its reasons. The list and its
// countdown: SvarDesk.deadlineList. Texts are set with textContent.
(function () {
  "use strict";

  var T = {}, U = {};  // this panel's texts, and the callbacks' (time units) in the agent's language
  var format = SvarDesk.format, el = SvarDesk.el, button = SvarDesk.button;
  var drafts = {}, panel = null;
  var list = document.getElementById("complaints");
  if (!list) return;

  SvarDesk.texts.then(function (texts) {
    T = texts.complaints;
    U = texts.callbacks;
    document.querySelectorAll("[data-cp-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-cp-text")] || "";
    });
    panel = SvarDesk.deadlineList({ list: list, path: "/desk/api/complaints", field: "complaints",
      deadline: "answer_by", count: "complaints-count", empty: "complaints-empty", units: U, item: item });
  });

  function item(c, me) {
    var li = el("li", "callback complaint");
    li.dataset.id = c.id;
    var head = el("div", "callback-head");
    head.append(el("strong", "case", format(T.case, { case: c.case_number })), el("span", "deadline"));
    var meta = el("p", "meta", [c.topic, c.channel, c.language.toUpperCase(),
      c.status === "late" ? T.late : ""].filter(Boolean).join(" · "));
    li.append(head, meta, el("blockquote", "complaint-words", c.text));
    if (c.email) li.append(el("p", "meta", format(T.email, { email: c.email })));
    var actions = el("div", "callback-actions");
    if (c.agent && c.agent === me.username) {
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
    var draft = drafts[c.id] || (drafts[c.id] = { decision: "upheld", text: "", reasons: "" });
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
      SvarDesk.request("POST", "/desk/api/complaints/" + encodeURIComponent(c.id) + "/answer",
              { decision: decision.value, text: text.value, reasons: reasons.hidden ? "" : reasons.value })
        .then(function (answered) {
          delete drafts[c.id];
          SvarDesk.toast(format(T.sent, { case: c.case_number, where: answered.delivered.join(", ") }));
          document.activeElement.blur();
          panel.refresh();
        }).catch(function (error) { send.disabled = false; failed(error); });  // the draft stays
    });
    return form;
  }

  function take(c) {
    SvarDesk.request("POST", "/desk/api/complaints/" + encodeURIComponent(c.id) + "/take", {})
      .then(panel.refresh).catch(failed);
  }

  function failed(error) { SvarDesk.toast(format(T.failed, { why: error.message })); panel.refresh(); }
})();

// Svar agent desk: the personal-data panel, for supervisors only. Downloads everything kept
// about one conversation, or erases it after a confirmation that names the conversation
// (bot/desk/privacy.py; the API refuses everyone but supervisors). The field is prefilled with
// the open chat's conversation. Texts are set with textContent.
(function () {
  "use strict";

  var T = {};  // the panel's texts in the agent's language (desk-common.js, content/locale.yml)
  var request = SvarDesk.request, format = SvarDesk.format;
  var $ = function (id) { return document.getElementById(id); };
  var panel = $("privacy");
  if (!panel) return;
  var field = $("privacy-conversation");
  var prefilled = "";  // what the open chat put in the field: replaced when another chat opens

  SvarDesk.texts.then(function (texts) {
    T = texts.privacy;
    panel.querySelectorAll("[data-pd-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-pd-text")] || "";
    });
  });

  // desk.js: logged in (with the role), and a chat opened.
  document.addEventListener("svardesk:started", function (event) {
    var supervisor = event.detail.supervisor === true;
    SvarDesk.texts.then(function () { panel.hidden = !supervisor; });
  });
  document.addEventListener("svardesk:opened", function (event) {
    var id = event.detail.conversation_id;
    if (!field.value || field.value === prefilled) { field.value = id; cancel(); }
    prefilled = id;
  });

  $("privacy-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = conversation();
    if (!id) return;
    request("GET", "/desk/api/privacy/" + encodeURIComponent(id)).then(function (data) {
      save(id, data);
      var records = Object.keys(data.records).length;
      var entries = Object.keys(data.log_entries).reduce(function (n, log) { return n + data.log_entries[log].length; }, 0);
      show(records || entries ? format(T.downloaded, { conversation: id, records: records, entries: entries })
                              : format(T.nothing, { conversation: id }));
    }).catch(failed);
  });

  $("privacy-erase").addEventListener("click", function () {
    var id = conversation();
    if (!id) return;
    show("");
    $("privacy-confirm-text").textContent = format(T.confirm, { conversation: id });
    $("privacy-confirm").dataset.conversation = id;
    $("privacy-confirm").hidden = false;
    $("privacy-erase-no").focus();  // the safe choice has the focus
  });
  $("privacy-erase-no").addEventListener("click", cancel);
  $("privacy-erase-yes").addEventListener("click", function () {
    var id = $("privacy-confirm").dataset.conversation;  // the one the confirmation named
    cancel();
    request("POST", "/desk/api/privacy/" + encodeURIComponent(id) + "/erase", {}).then(function (data) {
      show(format(T.erased, { conversation: id, records: data.removed.keys, entries: data.removed.log_entries }));
    }).catch(failed);
  });
  field.addEventListener("input", cancel);  // a confirmation is for the id it names only

  function conversation() {
    var id = field.value.trim();
    if (!id) { show(T.missing); field.focus(); }
    return id;
  }

  function cancel() { $("privacy-confirm").hidden = true; }

  function show(text) { $("privacy-result").textContent = text; }

  function failed(error) { show(format(T.failed, { why: error.message })); }

  // The export as a file, named after the conversation.
  function save(id, data) {
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "svar-" + id.replace(/[^A-Za-z0-9_.-]/g, "-") + ".json";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }
})();

// Svar agent desk. Plain JavaScript, no build step. Talks to /desk/api/* (JSON, CSRF token in
// a header) and listens on /desk/ws for the live queue. Every text from a customer, the bot or
// another agent is shown with textContent, never as HTML.
(function () {
  "use strict";

  var T = {};  // the desk's texts in the agent's language (desk-common.js, content/locale.yml)

  var $ = function (id) { return document.getElementById(id); };
  var request = SvarDesk.request, toast = SvarDesk.toast, format = SvarDesk.format, el = SvarDesk.el;
  var state = {
    me: null, socket: null, retry: 0, serverOffset: 0, longWait: 15,
    handoffs: new Map(),        // id -> view from the server
    transcripts: new Map(),     // id -> entries, once opened
    notes: new Map(),           // id -> notes, once opened
    unread: new Map(),          // id -> customer messages not seen yet
    agents: [], selected: null, nextWait: null,
    windows: new Map(),         // id -> Messenger reply rule ("open", "human_agent", "closed")
    notesOnly: false            // the composer switched to notes because the chat is not ours
  };


  // --- Login -----------------------------------------------------------------------------

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("login-error").hidden = true;
    request("POST", "/desk/api/login", { username: $("login-username").value, password: $("login-password").value })
      .then(started)
      .catch(function () { $("login-error").textContent = T.wrong_login; $("login-error").hidden = false; });
  });
  $("logout").addEventListener("click", function () {
    request("POST", "/desk/api/logout", {}).finally(function () { location.reload(); });
  });

  // The agent's presence: away on its own when no desk is open (store/presence.py).
  $("presence").addEventListener("change", function () {
    request("POST", "/desk/api/presence", { status: $("presence").value })
      .then(showPresence)
      .catch(function (error) { toast(error.message); });
  });

  // Extra-high load (store/load.py): supervisors switch it; the thresholds may switch it too.
  $("load-on").addEventListener("change", function () {
    request("POST", "/desk/api/load", { on: $("load-on").checked })
      .then(showLoad)
      .catch(function (error) { toast(error.message); });
  });

  function showLoad(answer) {
    $("load-on").checked = answer.on === true;
  }

  function showPresence(answer) {
    $("presence").value = answer.status;
    $("presence").setAttribute("data-status", answer.status);
  }

  SvarDesk.texts.then(function (texts) {
    T = texts.desk;
    document.querySelectorAll("[data-text]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-text")] || "";
    });
    document.querySelectorAll("[data-label]").forEach(function (node) {
      node.setAttribute("aria-label", T[node.getAttribute("data-label")] || "");
    });
    document.title = T.title;
    return request("GET", "/desk/api/me").then(started).catch(function () {
      $("login").hidden = false;
      $("login-username").focus();
    });
  });

  function started(me) {
    state.me = me.agent;
    SvarDesk.setCsrf(me.csrf);
    $("login").hidden = true;
    $("desk").hidden = false;
    $("me").textContent = me.agent.name;
    document.dispatchEvent(new CustomEvent("svardesk:started", { detail: me }));  // desk-privacy.js
    $("load-switch").hidden = me.supervisor !== true;
    $("insights-link").hidden = me.supervisor !== true;
    if (me.supervisor === true) request("GET", "/desk/api/load").then(showLoad);
    connect();
    setInterval(tick, 1000);
  }

  // --- Live events -----------------------------------------------------------------------

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/desk/ws");
    state.socket = socket;
    socket.addEventListener("open", function () {
      state.retry = 0;
      $("connection").hidden = true;
      request("GET", "/desk/api/presence").then(showPresence);  // online again with a desk open
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401) { location.reload(); return; }  // the session ended: log in again
      $("connection").textContent = T.offline;
      $("connection").hidden = false;
      var delay = Math.min(15000, 500 * Math.pow(2, state.retry++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  function receive(event) {
    if (event.type === "snapshot") {
      state.serverOffset = event.now * 1000 - Date.now();
      state.agents = event.agents;
      state.nextWait = event.next_wait_minutes;
      state.longWait = event.long_wait_minutes || state.longWait;
      state.handoffs = new Map();
      event.waiting.concat(event.claimed).forEach(function (h) { state.handoffs.set(h.id, h); });
      if (state.selected && !state.handoffs.has(state.selected)) state.selected = null;
      if (state.selected) open(state.selected);
    } else if (event.type === "queued" || event.type === "claimed") {
      var previous = state.handoffs.get(event.handoff.id);
      if (previous && previous.state !== "queued" && event.type === "queued") return;
      state.handoffs.set(event.handoff.id, event.handoff);
    } else if (event.type === "transferred") {
      var moved = state.handoffs.get(event.handoff_id);
      if (moved) { moved.agent = event.to; moved.agent_name = event.agent_name; }
    } else if (event.type === "closed") {
      var closed = state.handoffs.get(event.handoff_id);
      if (closed) closed.state = "closed";
      if (state.selected !== event.handoff_id) state.handoffs.delete(event.handoff_id);
    } else if (event.type === "message") {
      var id = handoffOf(event.conversation_id);
      if (!id) return;
      var entries = state.transcripts.get(id);
      if (entries) entries.push(event.entry);
      var seen = id === state.selected && document.hasFocus();
      if (event.entry.role === "customer" && !seen) state.unread.set(id, (state.unread.get(id) || 0) + 1);
      if (id === state.selected) renderTranscript(id);
    } else if (event.type === "note") {
      var notes = state.notes.get(event.handoff_id);
      if (notes) notes.push(event.note);
      if (event.handoff_id === state.selected) renderNotes(event.handoff_id);
    }
    renderLists();
    if (state.selected) renderSelected();
  }

  function handoffOf(conversationId) {
    var found = null;
    state.handoffs.forEach(function (h) { if (h.conversation_id === conversationId && h.state !== "closed") found = h.id; });
    return found;
  }

  // --- The lists on the left -------------------------------------------------------------

  function renderLists() {
    var all = Array.from(state.handoffs.values()).filter(function (h) { return h.state !== "closed" || h.id === state.selected; });
    all.sort(function (a, b) { return a.queued_at - b.queued_at; });
    var waiting = all.filter(function (h) { return h.state === "queued"; });
    var mine = all.filter(function (h) { return h.state !== "queued" && h.agent === state.me.username; });
    var others = all.filter(function (h) { return h.state !== "queued" && h.agent !== state.me.username; });
    fill($("waiting"), waiting, true);
    fill($("mine"), mine, false);
    fill($("others"), others, false);
    $("waiting-count").textContent = waiting.length;
    $("mine-count").textContent = mine.length;
    $("others-count").textContent = others.length;
    $("waiting-empty").hidden = waiting.length > 0;
    $("queue-stats").textContent = format(T.waiting_stats, { n: waiting.length, m: state.nextWait == null ? "?" : state.nextWait });
    var unread = 0;
    state.unread.forEach(function (n) { unread += n; });
    document.title = (waiting.length || unread ? "(" + (waiting.length + unread) + ") " : "") + T.title;
  }

  function fill(list, handoffs, queued) {
    list.replaceChildren();
    handoffs.forEach(function (h, index) {
      var item = el("li");
      var button = el("button", "chat-item" + (h.id === state.selected ? " selected" : ""));
      button.type = "button";
      button.dataset.id = h.id;
      button.setAttribute("aria-current", h.id === state.selected ? "true" : "false");
      var top = el("span", "chat-top");
      top.append(el("span", "reason reason-" + h.reason, T["reason_" + h.reason] || h.reason));
      top.append(el("span", "topic", h.card.topic_title || T.unknown_topic));
      var unread = state.unread.get(h.id) || 0;
      if (unread) top.append(el("span", "unread", format(T.new_messages, { n: unread })));
      button.append(top);
      button.append(el("span", "line", h.card.summary[1]));
      var meta = el("span", "chat-meta");
      if (queued) meta.append(el("span", "place", format(T.place, { n: index + 1 })));
      else meta.append(el("span", "who", h.agent_name || h.agent || ""));
      var waited = el("span", "waited", "");
      waited.dataset.since = h.queued_at;
      if (!queued) waited.dataset.until = h.claimed_at || "";
      meta.append(waited);
      meta.append(el("span", "lang", h.card.language + " · " + h.card.channel));
      button.append(meta);
      button.addEventListener("click", function () { open(h.id); });
      item.append(button);
      list.append(item);
    });
    tick();
  }

  function tick() {
    var now = (Date.now() + state.serverOffset) / 1000;
    document.querySelectorAll(".waited").forEach(function (node) {
      var until = node.dataset.until ? Number(node.dataset.until) : now;
      var seconds = Math.max(0, Math.round(until - Number(node.dataset.since)));
      node.textContent = format(T.queued_for, { time: Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0") });
      node.classList.toggle("long", !node.dataset.until && seconds > state.longWait * 60);
    });
  }

  // --- The selected chat -----------------------------------------------------------------

  function open(id) {
    state.selected = id;
    state.unread.delete(id);
    renderLists();
    renderSelected();
    request("GET", "/desk/api/handoffs/" + encodeURIComponent(id)).then(function (data) {
      if (state.selected !== id) return;
      state.handoffs.set(id, Object.assign(state.handoffs.get(id) || {}, data.handoff));
      state.transcripts.set(id, data.transcript);
      state.notes.set(id, data.notes);
      state.windows.set(id, data.reply_window);
      renderSelected();
      renderTranscript(id);
      renderNotes(id);
    }).catch(function (error) { toast(format(T.failed, { why: error.message })); });
  }

  function renderSelected() {
    var h = state.handoffs.get(state.selected);
    $("nothing-selected").hidden = !!h;
    $("selected").hidden = !h;
    if (!h) return;
    var card = h.card;
    if ($("selected").dataset.conversation !== card.conversation_id) {  // desk-privacy.js prefills it
      $("selected").dataset.conversation = card.conversation_id;
      document.dispatchEvent(new CustomEvent("svardesk:opened", { detail: { conversation_id: card.conversation_id } }));
    }
    $("chat-title").textContent = card.topic_title || T.unknown_topic;
    $("chat-meta").textContent = [format(T.reason, { reason: T["reason_" + h.reason] || h.reason }), format(T.channel, { channel: card.channel }), format(T.language, { language: card.language }), card.conversation_id, T["window_" + state.windows.get(state.selected)] || ""].filter(Boolean).join(" · ");
    var mine = h.state === "claimed" && h.agent === state.me.username;
    $("claim").hidden = h.state !== "queued";
    $("transfer-box").hidden = !mine;
    $("close-box").hidden = !mine;
    $("composer").hidden = h.state === "closed";
    $("send").disabled = false;
    var stateText = h.state === "queued" ? T.state_queued : h.state === "closed" ? T.state_closed : mine ? T.state_claimed_me : format(T.state_claimed, { name: h.agent_name || h.agent });
    $("chat-state").textContent = stateText;
    $("summary-1").textContent = card.summary[0];
    $("summary-2").textContent = card.summary[1];
    var facts = $("facts");
    facts.replaceChildren();
    var pairs = Object.assign({}, card.entities, card.slots);
    Object.keys(pairs).sort().forEach(function (name) {
      facts.append(el("dt", null, name.replace(/_/g, " ")), el("dd", null, pairs[name]));
    });
    $("intent-path").textContent = card.intents.join(" → ");
    var answered = $("answered");
    answered.replaceChildren();
    if (!card.answered.length) answered.append(el("li", "empty", T.no_answers));
    card.answered.forEach(function (a) { answered.append(el("li", null, a.text)); });
    var select = $("transfer-to");
    var chosen = select.value;
    select.replaceChildren();
    state.agents.filter(function (a) { return a.username !== state.me.username; }).forEach(function (a) {
      var option = el("option", null, a.name);
      option.value = a.username;
      select.append(option);
    });
    if (chosen) select.value = chosen;
    $("transfer").disabled = !select.options.length;
    setComposerMode();
  }

  function renderTranscript(id) {
    var list = $("transcript");
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.replaceChildren();
    (state.transcripts.get(id) || []).forEach(function (entry) {
      var item = el("li", "entry " + entry.role);
      var who = el("span", "who", T[entry.role] || entry.role);
      who.append(el("time", null, clock(entry.at)));
      item.append(who, el("span", "text", entry.text));
      if (entry.buttons && entry.buttons.length) item.append(el("span", "buttons", "[" + entry.buttons.join("] [") + "]"));
      list.append(item);
    });
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  function renderNotes(id) {
    var list = $("notes");
    list.replaceChildren();
    (state.notes.get(id) || []).forEach(function (note) {
      var item = el("li", "note");
      var who = el("span", "who", note.agent);
      who.append(el("time", null, clock(note.at)));
      item.append(who, el("span", "text", note.text));
      list.append(item);
    });
  }

  // --- Actions ---------------------------------------------------------------------------

  $("claim").addEventListener("click", claim);
  function claim() {
    var id = state.selected;
    var h = state.handoffs.get(id);
    if (!h || h.state !== "queued") return;
    $("claim").disabled = true;
    request("POST", "/desk/api/handoffs/" + encodeURIComponent(id) + "/claim", {}).then(function (data) {
      state.handoffs.set(id, Object.assign(h, data.handoff));
      toast(T.claimed_ok);
      renderLists();
      renderSelected();
      $("text").focus();
    }).catch(function (error) { toast(format(T.failed, { why: error.message })); })
      .finally(function () { $("claim").disabled = false; });
  }

  $("transfer").addEventListener("click", function () {
    var id = state.selected;
    request("POST", "/desk/api/handoffs/" + encodeURIComponent(id) + "/transfer", { to: $("transfer-to").value })
      .catch(function (error) { toast(format(T.failed, { why: error.message })); });
  });

  $("close").addEventListener("click", function () {
    var id = state.selected;
    $("close").disabled = true;
    request("POST", "/desk/api/handoffs/" + encodeURIComponent(id) + "/close", { outcome: $("close-outcome").value })
      .then(function () { toast(T.closed_ok); })
      .catch(function (error) { toast(format(T.failed, { why: error.message })); })
      .finally(function () { $("close").disabled = false; });
  });

  $("composer").addEventListener("submit", function (event) { event.preventDefault(); send(); });
  $("text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); }
    if (event.key === "Escape") { $("text").blur(); }
  });
  document.querySelectorAll("input[name=mode]").forEach(function (radio) {
    radio.addEventListener("change", function () { state.notesOnly = false; setComposerMode(); });
  });

  function composerMode() { return document.querySelector("input[name=mode]:checked").value; }

  function setComposerMode() {
    var h = state.handoffs.get(state.selected);
    var mine = h && h.state === "claimed" && h.agent === state.me.username;
    var replyRadio = document.querySelector("input[name=mode][value=reply]");
    var noteRadio = document.querySelector("input[name=mode][value=note]");
    replyRadio.disabled = !mine;
    // Only notes until the chat is yours; back to replies as soon as it is.
    if (!mine && replyRadio.checked) { noteRadio.checked = true; state.notesOnly = true; }
    if (mine && state.notesOnly) { replyRadio.checked = true; state.notesOnly = false; }
    var note = composerMode() === "note";
    $("composer").classList.toggle("noting", note);
    $("text").placeholder = note ? T.note_placeholder : T.reply_placeholder;
  }

  function send() {
    var text = $("text").value.trim();
    var id = state.selected;
    if (!text || !id) return;
    var path = composerMode() === "note" ? "/notes" : "/messages";
    $("send").disabled = true;
    request("POST", "/desk/api/handoffs/" + encodeURIComponent(id) + path, { text: text })
      .then(function () { $("text").value = ""; })
      .catch(function (error) { toast(format(T.failed, { why: error.message })); })
      .finally(function () { $("send").disabled = false; $("text").focus(); });
  }

  // Keyboard: move through the chats, take one, start writing.
  document.addEventListener("keydown", function (event) {
    var typing = /^(TEXTAREA|INPUT|SELECT)$/.test(document.activeElement.tagName);
    if ($("desk").hidden || event.ctrlKey || event.metaKey) return;
    var down = (!typing && event.key === "j") || (event.altKey && event.key === "ArrowDown");
    var up = (!typing && event.key === "k") || (event.altKey && event.key === "ArrowUp");
    if (down || up) { event.preventDefault(); step(down ? 1 : -1); }
    else if (!typing && event.key === "c") { event.preventDefault(); claim(); }
    else if (!typing && event.key === "/") { event.preventDefault(); $("text").focus(); }
  });

  function step(delta) {
    var buttons = Array.from(document.querySelectorAll(".chat-item"));
    if (!buttons.length) return;
    var at = buttons.findIndex(function (b) { return b.dataset.id === state.selected; });
    var next = buttons[Math.max(0, Math.min(buttons.length - 1, at + delta))];
    open(next.dataset.id);
    var again = document.querySelector('.chat-item[data-id="' + CSS.escape(next.dataset.id) + '"]');
    if (again) again.focus();
  }

  window.addEventListener("focus", function () {
    if (state.selected && state.unread.delete(state.selected)) renderLists();
  });

  // --- Helpers ---------------------------------------------------------------------------

  function clock(at) {
    return new Date(at * 1000).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  }
})();

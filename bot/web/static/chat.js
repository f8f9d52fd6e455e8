// Svar chat widget. Embed with: <script src="https://<front door>/static/chat.js" defer></script>
// Talks to the front door over a WebSocket, reconnects by itself, and keeps every message until
// the server acknowledges it (sent again after a reconnect; the server takes a copy once).
// The conversation is the server's: its id and token are kept in localStorage and forgotten
// after a day idle (the server says how long) or when the customer ends the chat, so the next
// person at a shared computer starts afresh. Every text is shown with textContent, never as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href);
  var wsBase = (base.protocol === "https:" ? "wss://" : "ws://") + base.host;
  var lang = (document.documentElement.lang || navigator.language || "nb").slice(0, 2);
  var ui = {
    nb: { title: "Chat med oss", open: "Chat med oss", close: "Lukk chatten", end: "Avslutt", placeholder: "Skriv en melding…",
          send: "Send", offline: "Mistet forbindelsen. Prøver igjen…", typing: "skriver…",
          you: "Du", bot: "Assistent", agent: "Kundebehandler" },
    en: { title: "Chat with us", open: "Chat with us", close: "Close the chat", end: "End chat", placeholder: "Write a message…",
          send: "Send", offline: "Connection lost. Trying again…", typing: "typing…",
          you: "You", bot: "Assistant", agent: "Agent" },
    fi: { title: "Chattaa kanssamme", open: "Chattaa kanssamme", close: "Sulje chat", end: "Lopeta", placeholder: "Kirjoita viesti…",
          send: "Lähetä", offline: "Yhteys katkesi. Yritetään uudelleen…", typing: "kirjoittaa…",
          you: "Sinä", bot: "Avustaja", agent: "Asiakaspalvelija" }
  };
  ui = ui[lang] || ui.nb;

  var STORE = "svar.chat";
  var conversation = load();  // {id, token, idle (s), last (ms)} or null: the server makes one

  var launcher = el("button", "svar-launcher", ui.open);
  launcher.type = "button";
  var box = el("section", "svar-chat");
  box.setAttribute("aria-label", ui.title);
  box.hidden = true;
  var head = el("div", "svar-head");
  var title = el("h2", null, ui.title);
  var end = el("button", "svar-end", ui.end);
  end.type = "button";
  var close = el("button", null, "×");
  close.type = "button";
  close.setAttribute("aria-label", ui.close);
  head.append(title, end, close);
  var status = el("div", "svar-status", ui.offline);
  status.hidden = true;
  status.setAttribute("role", "status");
  // A notice from the desk (extra-high load), fetched when the chat opens.
  var notice = el("div", "svar-notice");
  notice.hidden = true;
  notice.setAttribute("role", "note");
  var log = el("div", "svar-log");
  log.setAttribute("aria-live", "polite");
  var form = el("form", "svar-form");
  var input = el("textarea");
  input.rows = 2;
  input.placeholder = ui.placeholder;
  input.setAttribute("aria-label", ui.placeholder);
  var send = el("button", null, ui.send);
  send.type = "submit";
  form.append(input, send);
  box.append(head, status, notice, log, form);
  document.body.append(launcher, box);

  var socket = null;
  var unacked = [];   // messages the server has not acknowledged yet, in the order typed
  var retry = 0;
  var typing = null;
  var sequence = 0;

  launcher.addEventListener("click", openChat);
  close.addEventListener("click", function () { box.hidden = true; launcher.hidden = false; launcher.focus(); });
  end.addEventListener("click", endChat);
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(input.value, null); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(input.value, null); }
  });
  if (script.dataset.svarOpen === "true") openChat();

  function openChat() {
    box.hidden = false;
    launcher.hidden = true;
    input.focus();
    if (!socket) connect();
    showNotice();
  }

  function showNotice() {
    fetch(new URL("/api/notice?lang=" + lang, base), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { notice: null }; })
      .then(function (data) {
        var said = [data.notice].concat(data.notices || []).filter(Boolean);
        notice.textContent = said.join("\n\n");
        notice.hidden = !said.length;
      })
      .catch(function () { /* no notice is better than a broken chat */ });
  }

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(STORE) || "null");
      if (saved && saved.id && saved.token && Date.now() - saved.last < saved.idle * 1000) return saved;
    } catch (e) { /* a broken entry is as good as none */ }
    localStorage.removeItem(STORE);
    return null;
  }

  function touch() {
    if (!conversation) return;
    conversation.last = Date.now();
    localStorage.setItem(STORE, JSON.stringify(conversation));
  }

  function connect() {
    var query = conversation
      ? "?conversation=" + encodeURIComponent(conversation.id) + "&token=" + encodeURIComponent(conversation.token)
      : "";
    var current = socket = new WebSocket(wsBase + "/ws" + query);
    current.addEventListener("open", function () {
      retry = 0;
      status.hidden = true;
      unacked.forEach(function (message) { current.send(JSON.stringify(message)); });
    });
    current.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    current.addEventListener("close", function () {
      if (current !== socket) return;  // ended on purpose
      status.hidden = false;
      // Back off up to 30 s, with jitter so a restarted server is not hit by everyone at once.
      var delay = Math.min(30000, 1000 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  function endChat() {
    localStorage.removeItem(STORE);
    conversation = null;
    unacked = [];
    var old = socket;
    socket = null;
    if (old) old.close();
    log.replaceChildren();
    setTyping(false);
    if (!box.hidden) connect();
  }

  function submit(text, payload) {
    text = text.trim();
    if (!text) return;
    input.value = "";
    clearButtons();
    show("customer", text);
    var message = { type: "message", id: Date.now().toString(36) + "-" + (sequence++), text: text };
    if (payload) message.payload = payload;
    unacked.push(message);
    touch();
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function acknowledged(id) {
    unacked = unacked.filter(function (message) { return message.id !== id; });
  }

  function receive(data) {
    if (data.type === "conversation") {
      conversation = { id: data.id, token: data.token, idle: data.idle_seconds, last: Date.now() };
      touch();
    } else if (data.type === "history") {
      log.replaceChildren();
      data.entries.forEach(function (entry) { show(entry.role, entry.text); });
      // What the server has not acknowledged is not in its history yet: still the customer's.
      unacked.forEach(function (message) { show("customer", message.text); });
    } else if (data.type === "ack") {
      acknowledged(data.id);
      touch();
    } else if (data.type === "limited") {
      acknowledged(data.id);  // not taken: the answer asks the customer to send it again
      setTyping(false);
      show("system", data.text);
    } else if (data.type === "typing") {
      setTyping(true);
    } else if (data.type === "done") {
      setTyping(false);
    } else if (data.type === "message") {
      setTyping(false);
      touch();
      show(data.sender, data.text, data.name);
      if (data.buttons && data.buttons.length) showButtons(data.buttons);
    } else if (data.type === "error") {
      setTyping(false);
      show("system", data.error);
    }
  }

  function show(role, text, name) {
    if (!text) return;
    var bubble = el("div", "svar-msg " + role);
    if (role !== "customer") bubble.append(el("span", "svar-who", name || ui[role] || ""));
    bubble.append(document.createTextNode(text));
    log.append(bubble);
    log.scrollTop = log.scrollHeight;
  }

  function showButtons(buttons) {
    var row = el("div", "svar-buttons");
    buttons.forEach(function (b) {
      var button = el("button", null, b.title);
      button.type = "button";
      button.addEventListener("click", function () { submit(b.title, b.payload); });
      row.append(button);
    });
    log.append(row);
    log.scrollTop = log.scrollHeight;
  }

  function clearButtons() { log.querySelectorAll(".svar-buttons").forEach(function (r) { r.remove(); }); }

  function setTyping(on) {
    if (on && !typing) { typing = el("div", "svar-typing", ui.bot + " " + ui.typing); log.append(typing); }
    if (!on && typing) { typing.remove(); typing = null; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
})();

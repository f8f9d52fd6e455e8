// Svar chat widget. Embed with: <script src="https://<front door>/static/chat.js" defer></script>
// Talks to the front door over a WebSocket, reconnects by itself, and keeps messages typed
// while offline until they can be sent. Every text is shown with textContent, never as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src, location.href);
  var wsBase = (base.protocol === "https:" ? "wss://" : "ws://") + base.host;
  var lang = (document.documentElement.lang || navigator.language || "nb").slice(0, 2);
  var ui = {
    nb: { title: "Chat med oss", open: "Chat med oss", close: "Lukk chatten", placeholder: "Skriv en melding…",
          send: "Send", offline: "Mistet forbindelsen. Prøver igjen…", typing: "skriver…",
          you: "Du", bot: "Assistent", agent: "Kundebehandler" },
    en: { title: "Chat with us", open: "Chat with us", close: "Close the chat", placeholder: "Write a message…",
          send: "Send", offline: "Connection lost. Trying again…", typing: "typing…",
          you: "You", bot: "Assistant", agent: "Agent" }
  }[lang === "en" ? "en" : "nb"];

  var conversation = localStorage.getItem("svar.conversation");
  if (!conversation) {
    conversation = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/-/g, "");
    localStorage.setItem("svar.conversation", conversation);
  }

  var launcher = el("button", "svar-launcher", ui.open);
  launcher.type = "button";
  var box = el("section", "svar-chat");
  box.setAttribute("aria-label", ui.title);
  box.hidden = true;
  var head = el("div", "svar-head");
  var title = el("h2", null, ui.title);
  var close = el("button", null, "×");
  close.type = "button";
  close.setAttribute("aria-label", ui.close);
  head.append(title, close);
  var status = el("div", "svar-status", ui.offline);
  status.hidden = true;
  status.setAttribute("role", "status");
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
  box.append(head, status, log, form);
  document.body.append(launcher, box);

  var socket = null;
  var pending = [];   // messages typed while offline, sent on reconnect
  var retry = 0;
  var typing = null;

  launcher.addEventListener("click", openChat);
  close.addEventListener("click", function () { box.hidden = true; launcher.hidden = false; launcher.focus(); });
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
  }

  function connect() {
    socket = new WebSocket(wsBase + "/ws?conversation=" + encodeURIComponent(conversation));
    socket.addEventListener("open", function () {
      retry = 0;
      status.hidden = true;
      while (pending.length) socket.send(JSON.stringify(pending.shift()));
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      status.hidden = false;
      // Back off up to 30 s, with jitter so a restarted server is not hit by everyone at once.
      var delay = Math.min(30000, 1000 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  function submit(text, payload) {
    text = text.trim();
    if (!text) return;
    input.value = "";
    clearButtons();
    show("customer", text);
    var message = { type: "message", text: text };
    if (payload) message.payload = payload;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else pending.push(message);
  }

  function receive(data) {
    if (data.type === "history") {
      log.replaceChildren();
      data.entries.forEach(function (entry) { show(entry.role, entry.text); });
    } else if (data.type === "typing") {
      setTyping(true);
    } else if (data.type === "done") {
      setTyping(false);
    } else if (data.type === "message") {
      setTyping(false);
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

/* Atiende live chat: the agents' desk (/consola/chat/). No dependencies. */
(function () {
  "use strict";
  var root = document.getElementById("chat-desk");
  if (!root) return;
  var strings = JSON.parse(document.getElementById("chat-desk-strings").textContent);
  var list = root.querySelector("[data-role=list]");
  var connection = root.querySelector("[data-role=connection]");
  var placeholder = root.querySelector("[data-role=placeholder]");
  var messages = root.querySelector("[data-role=messages]");
  var reply = root.querySelector("[data-role=reply]");
  var textarea = reply.querySelector("textarea");
  var endButton = root.querySelector("[data-role=end]");
  var error = root.querySelector("[data-role=error]");
  var socket = null;
  var current = null;  // the conversation shown

  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
  }

  function showError(text) {
    error.textContent = text || "";
    error.hidden = !text;
  }

  function add(message) {
    window.AtiendeChat.show(messages, message, function (m) {
      return m.sender === "visitor" ? strings.visitor : (m.author || strings.agent);
    });
  }

  function renderList(conversations) {
    list.textContent = "";
    if (!conversations.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = strings.none;
      list.appendChild(empty);
      return;
    }
    conversations.forEach(function (c) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.textContent = c.visitor + " · " + c.kind_label + (c.organisation ? " · " + c.organisation : "") +
        " (" + (c.mine ? strings.mine : strings.waiting) + ") ";
      item.appendChild(label);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small-button";
      button.textContent = c.mine ? strings.open : strings.take;
      button.addEventListener("click", function () {
        showError("");
        send({ type: c.mine ? "open" : "accept", conversation: c.id });
      });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.onopen = function () { connection.textContent = strings.connected; };
    socket.onclose = function () {
      connection.textContent = strings.disconnected;
      setTimeout(connect, 2000);
    };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "desk") {
        renderList(data.conversations);
      } else if (data.type === "conversation") {
        current = data.conversation;
        messages.textContent = "";
        data.messages.forEach(add);
        placeholder.hidden = true;
        reply.hidden = data.status === "ended";
        textarea.focus();
      } else if (data.type === "message" && data.conversation === current) {
        add(data.message);
      } else if (data.type === "ended" && data.conversation === current) {
        reply.hidden = true;
        placeholder.hidden = false;
        placeholder.textContent = strings.ended.replace("%(number)s", data.ticket);
      } else if (data.type === "error") {
        showError(data.detail);
      }
    };
  }

  reply.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text || current === null) return;
    send({ type: "message", conversation: current, body: text });
    textarea.value = "";
  });

  endButton.addEventListener("click", function () {
    if (current !== null) send({ type: "end", conversation: current });
  });

  connect();
})();

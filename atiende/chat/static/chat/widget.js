/* Atiende live chat: the visitor's bubble. No dependencies; strings come from the page.
 *
 * On Atiende's own pages the server renders <aside id="atiende-chat" data-start-url=...
 * data-csrf=...> with the translated strings in a JSON script (#atiende-chat-strings);
 * on other sites embed.js builds the same elements (with data-socket-base, no CSRF).
 * The conversation's key is kept in sessionStorage, so moving between pages continues
 * the same chat.
 */
(function () {
  "use strict";
  var root = document.getElementById("atiende-chat");
  if (!root) return;
  var strings = JSON.parse(document.getElementById("atiende-chat-strings").textContent);
  var KEY = "atiende-chat-token";
  var panel = root.querySelector("[data-role=panel]");
  var toggle = root.querySelector("[data-role=toggle]");
  var form = root.querySelector("[data-role=start]");
  var talk = root.querySelector("[data-role=talk]");
  var list = root.querySelector("[data-role=messages]");
  var input = root.querySelector("[data-role=input]");
  var notice = root.querySelector("[data-role=notice]");
  var endButton = root.querySelector("[data-role=end]");
  var socket = null;
  var retries = 0;

  function show(element, visible) { element.hidden = !visible; }

  function say(text, isError) {
    notice.textContent = text || "";
    notice.className = isError ? "chat-notice form-error" : "chat-notice";
    show(notice, !!text);
  }

  function add(message) {
    window.AtiendeChat.show(list, message, function (m) {
      return m.sender === "visitor" ? strings.you : (m.author || strings.agent);
    });
  }

  function ended() {
    sessionStorage.removeItem(KEY);
    show(input.form, false);
    show(endButton, false);
    if (socket) socket.close();
    socket = null;
  }

  function connect(token) {
    var base = root.dataset.socketBase ||
      ((location.protocol === "https:" ? "wss://" : "ws://") + location.host);
    socket = new WebSocket(base + root.dataset.socketPath + token + "/");
    show(form, false);
    show(talk, true);
    socket.onopen = function () { retries = 0; say(""); };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "history") {
        list.textContent = "";
        data.messages.forEach(add);
        if (data.status === "waiting") say(strings.waiting);
        if (data.status === "ended") ended();
      } else if (data.type === "message") {
        add(data.message);
        if (data.message.sender === "system") say("");
      } else if (data.type === "status" && data.status === "ended") {
        ended();
      } else if (data.type === "error") {
        say(data.detail, true);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4404) { ended(); show(talk, false); show(form, true); return; }
      if (socket && sessionStorage.getItem(KEY) && retries < 5) {
        retries += 1;
        say(strings.reconnecting);
        setTimeout(function () { connect(token); }, 1000 * retries);
      }
    };
  }

  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    show(panel, open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    data.append("page", location.href);
    say(strings.starting);
    fetch(root.dataset.startUrl, {
      method: "POST",
      body: data,
      // Embedded on another site there is no token: a simple cross-origin POST.
      headers: root.dataset.csrf ? { "X-CSRFToken": root.dataset.csrf } : {},
      credentials: "same-origin",
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      if (answer.token) {
        sessionStorage.setItem(KEY, answer.token);
        connect(answer.token);
      } else if (answer.left_message) {
        form.reset();
        say(answer.left_message);
      } else if (answer.closed) {
        say(answer.reason + (answer.opens_at ? " " + strings.opens + " " + answer.opens_at : ""), true);
        if (answer.ticket_url) {
          var link = document.createElement("a");
          link.href = answer.ticket_url;
          link.textContent = " " + strings.open_ticket;
          notice.appendChild(link);
        }
      } else {
        say(answer.error || strings.failed, true);
      }
    }).catch(function () { say(strings.failed, true); });
  });

  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "message", body: text }));
    input.value = "";
  });

  endButton.addEventListener("click", function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
  });

  // "Chat now" buttons elsewhere on the page open the bubble on that kind of chat.
  document.querySelectorAll("[data-atiende-chat]").forEach(function (button) {
    button.addEventListener("click", function () {
      show(panel, true);
      toggle.setAttribute("aria-expanded", "true");
      var kind = form.querySelector("[name=kind]");
      if (kind && kind.tagName === "SELECT") kind.value = button.dataset.atiendeChat;
      var first = form.querySelector("textarea, input:not([type=hidden])");
      if (first && !form.hidden) first.focus();
    });
  });

  var token = sessionStorage.getItem(KEY);
  if (token) { show(panel, true); connect(token); }
  else if (root.dataset.open === "1") { show(panel, true); }
})();

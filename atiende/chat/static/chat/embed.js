/* Atiende live chat on any site: the "¿Quieres chatear?" bubble, one script tag.
 *
 *   <script src="https://soporte.example.com/static/chat/embed.js"
 *           data-atiende="https://soporte.example.com" defer></script>
 *
 * The site's origin must be listed in ATIENDE_CHAT_ORIGINS. This loader asks Atiende
 * for the texts (in the visitor's browser language) and URLs, builds the bubble with
 * the same elements as Atiende's own pages, then loads messages.js and widget.js.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("atiende-chat")) return;
  var atiende = (script.dataset.atiende || new URL(script.src).origin).replace(/\/$/, "");
  var assets = script.src.replace(/embed(\.[0-9a-f]+)?\.js(\?.*)?$/, "");

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function labelled(text, control) {
    var label = element("label", {}, text + " ");
    label.appendChild(control);
    return label;
  }

  function load(src, then) {
    var tag = element("script", { src: src });
    tag.onload = then;
    document.head.appendChild(tag);
  }

  fetch(atiende + "/chat/widget/", { credentials: "omit" })
    .then(function (response) { return response.json(); })
    .then(function (config) {
      var s = config.strings;
      var root = element("aside", {
        id: "atiende-chat",
        class: "chat-widget",
        "aria-label": s.label,
        "data-start-url": config.start_url,
        "data-socket-base": config.socket_base,
        "data-socket-path": "/ws/chat/",
      });
      var toggle = element("button", {
        type: "button", class: "chat-toggle", "data-role": "toggle", "aria-expanded": "false",
      }, "💬 " + s.toggle);
      var panel = element("div", { class: "chat-panel", "data-role": "panel" });
      panel.hidden = true;
      panel.appendChild(element("p", { class: "chat-intro" }, s.intro));
      var start = element("form", { "data-role": "start", class: "form" });
      start.appendChild(element("input", { type: "hidden", name: "kind", value: "sales" }));
      start.appendChild(labelled(s.name, element("input", { type: "text", name: "name", maxlength: "150", required: "" })));
      start.appendChild(labelled(s.email, element("input", { type: "email", name: "email", maxlength: "254", required: "" })));
      start.appendChild(labelled(s.message, element("textarea", { name: "message", rows: "3", maxlength: "4000", required: "" })));
      start.appendChild(element("button", { type: "submit" }, s.start));
      panel.appendChild(start);
      var talk = element("div", { "data-role": "talk" });
      talk.hidden = true;
      talk.appendChild(element("ol", { class: "chat-messages", "data-role": "messages", "aria-live": "polite" }));
      var reply = element("form", { class: "chat-reply" });
      reply.appendChild(element("textarea", {
        "data-role": "input", rows: "2", maxlength: "4000", "aria-label": s.your_message,
      }));
      reply.appendChild(element("button", { type: "submit" }, s.send));
      talk.appendChild(reply);
      talk.appendChild(element("button", { type: "button", class: "small-button", "data-role": "end" }, s.end));
      panel.appendChild(talk);
      var notice = element("p", { class: "chat-notice", "data-role": "notice", role: "status" });
      notice.hidden = true;
      panel.appendChild(notice);
      root.appendChild(toggle);
      root.appendChild(panel);
      var strings = element("script", { type: "application/json", id: "atiende-chat-strings" });
      strings.textContent = JSON.stringify(s);
      document.body.appendChild(strings);
      // Shown once widget.js has wired it: a click before that would do nothing.
      root.hidden = true;
      document.body.appendChild(root);
      document.head.appendChild(element("link", { rel: "stylesheet", href: assets + "chat.css" }));
      load(assets + "messages.js", function () {
        load(assets + "widget.js", function () { root.hidden = false; });
      });
    });
})();

/* Atiende live chat: one way to show a message, for the visitor's bubble and the agents' desk. */
window.AtiendeChat = {
  /* Append ``message`` to the list ``list``; ``label(message)`` names its author. */
  show: function (list, message, label) {
    "use strict";
    var item = document.createElement("li");
    item.className = "chat-message chat-" + message.sender;
    if (message.sender !== "system") {
      var who = document.createElement("strong");
      who.textContent = label(message);
      item.appendChild(who);
      item.appendChild(document.createTextNode(" "));
    }
    var body = document.createElement("span");
    body.textContent = message.body;  // text, never HTML
    item.appendChild(body);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  },
};

/* Autocomplete for search boxes: an <input list="ID" data-suggest="/api/v1/search/suggest"> gets its <datalist>
   filled with suggestions for what is typed (popular queries, then product titles). Debounced; the newest answer
   wins; no library. The browser's own datalist popup gives keyboard use (arrow keys, Enter, Escape) and screen
   reader announcements. Without JavaScript the box is a plain search box. */
(function () {
  "use strict";
  var DELAY_MS = 150;
  var LIMIT = 8;

  function attach(input) {
    var url = input.getAttribute("data-suggest");
    var listId = input.getAttribute("list");
    if (!url || !listId) return;
    var list = document.getElementById(listId);
    if (!list) {
      list = document.createElement("datalist");
      list.id = listId;
      input.insertAdjacentElement("afterend", list);
    }
    var timer = null;
    var asked = 0;
    var lastText = null;

    function show(items) {
      list.replaceChildren.apply(list, items.map(function (item) {
        var option = document.createElement("option");
        option.value = item.text;
        option.setAttribute("data-source", item.source);
        return option;
      }));
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function ask() {
      var text = input.value.trim();
      if (text === lastText) return;
      lastText = text;
      if (!text) { show([]); return; }
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text.slice(0, 200)) + "&limit=" + LIMIT,
            {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (body) { if (ticket === asked) show(body.items || []); })
        .catch(function () { /* offline or busy: the box still searches */ });
    }

    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest][list]"), attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

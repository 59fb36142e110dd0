// Plein's own script: small progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // Phone: the menu button opens and closes the left rail.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle]");
    if (!toggle) return;
    var target = document.getElementById(toggle.getAttribute("data-toggle"));
    if (!target) return;
    var open = target.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // Top bar search: arrow keys move between the box and its suggestions; Escape closes them.
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("top-search");
    var panel = document.getElementById("search-suggest");
    if (!box || !panel) return;
    var inSearch = event.target === box || panel.contains(event.target);
    if (!inSearch) return;
    var items = Array.prototype.slice.call(panel.querySelectorAll(".search-suggest__item"));
    var index = items.indexOf(event.target);
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      items[Math.min(index + 1, items.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) box.focus(); else items[index - 1].focus();
    } else if (event.key === "Escape" && panel.innerHTML.trim()) {
      event.stopPropagation();
      panel.innerHTML = "";
      box.focus();
    }
  });
  // Escape closes an open menu and returns focus to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // Live feed: new items arrive in #feed-incoming (hx-swap-oob from the WebSocket) and wait
  // behind a "3 new items" pill, so the page never jumps under the reader's eyes.
  function newestId() {
    var ids = Array.prototype.map.call(
      document.querySelectorAll("[data-activity-id]"),
      function (el) { return parseInt(el.getAttribute("data-activity-id"), 10) || 0; }
    );
    return ids.length ? Math.max.apply(null, ids) : null;
  }
  function updatePill() {
    var incoming = document.getElementById("feed-incoming");
    var pill = document.getElementById("feed-pill");
    if (!incoming || !pill) return;
    var n = incoming.children.length;
    pill.hidden = n === 0;
    if (n) {
      var label = n === 1 ? pill.getAttribute("data-label-one") : pill.getAttribute("data-label-many");
      pill.textContent = label.replace("#n#", n);
    }
  }
  document.addEventListener("htmx:wsOpen", function (event) {
    // After a (re)connect, ask for everything newer than what this page already shows.
    var last = newestId();
    if (last !== null && document.getElementById("feed")) {
      event.detail.socketWrapper.send(JSON.stringify({ type: "resume", last_id: last }));
    }
  });
  document.addEventListener("htmx:wsAfterMessage", updatePill);
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#feed-pill")) return;
    var incoming = document.getElementById("feed-incoming");
    var items = document.getElementById("feed-items");
    while (incoming.lastElementChild) {
      items.insertBefore(incoming.lastElementChild, items.firstElementChild);
    }
    updatePill();
    var first = items.querySelector("[data-activity-id]");
    if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
  });
})();

// Process boards: drag a card to another step, or select it and press Alt+arrow. The server
// decides (rights, WIP limits, someone else moving it first) and answers with the board's
// fragments: the card where it really is now, both steps' headers, and why when refused.
// Without this script every card still opens, and its page has a form to move it.
(function () {
  "use strict";
  var board = document.querySelector(".board[data-board]");
  if (!board) return;
  var mayWork = board.hasAttribute("data-work");

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }
  function say(text) {
    var status = document.getElementById("board-status");
    if (status) status.textContent = text;
  }
  function stepName(stepId) {
    var name = document.getElementById("step-name-" + stepId);
    return name ? name.textContent.trim() : "";
  }

  function move(card, toStep) {
    var fromStep = card.getAttribute("data-step");
    if (!toStep || toStep === fromStep) return;
    var list = document.getElementById("cards-" + toStep);
    if (list) {
      // Show it at once; the server's answer puts it where it really is.
      list.appendChild(card);
      card.setAttribute("data-step", toStep);
      card.focus();
    }
    say(board.getAttribute("data-moving"));
    var body = new URLSearchParams({ to_step: toStep, from_step: fromStep });
    fetch(board.getAttribute("data-move-url").replace("/0/", "/" + card.getAttribute("data-card") + "/"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    }).then(function (answer) {
      htmx.swap(document.body, answer.html, { swapStyle: "none" });
      var message = document.getElementById("board-message");
      if (answer.ok) {
        say(board.getAttribute("data-moved").replace("#step#", stepName(toStep)));
      } else if (message && !message.hidden) {
        say(message.textContent);
      }
    }).catch(function () {
      window.location.reload();
    });
  }

  // Keyboard: arrows move the selection, Alt+arrow moves the card, Enter opens it.
  board.addEventListener("keydown", function (event) {
    var card = event.target.closest(".board-card");
    if (!card) return;
    var steps = Array.prototype.slice.call(board.querySelectorAll(".board-step__cards"));
    var column = card.parentElement;
    var index = steps.indexOf(column);
    if (event.key === "Enter") {
      var link = card.querySelector("a");
      if (link) link.click();
      return;
    }
    if (event.altKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      if (!mayWork) return;
      event.preventDefault();
      var target = steps[index + (event.key === "ArrowRight" ? 1 : -1)];
      if (target) move(card, target.getAttribute("data-step"));
      return;
    }
    var next = null;
    if (event.key === "ArrowDown") next = card.nextElementSibling;
    else if (event.key === "ArrowUp") next = card.previousElementSibling;
    else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      var other = steps[index + (event.key === "ArrowRight" ? 1 : -1)];
      next = other ? other.querySelector(".board-card") : null;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  // Drag and drop.
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest(".board-card");
    if (!card || !mayWork) {
      event.preventDefault();
      return;
    }
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    board.querySelectorAll(".is-target").forEach(function (el) { el.classList.remove("is-target"); });
  });
  board.addEventListener("dragover", function (event) {
    var step = event.target.closest(".board-step");
    if (!step || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".is-target").forEach(function (el) {
      if (el !== step) el.classList.remove("is-target");
    });
    step.classList.add("is-target");
  });
  board.addEventListener("drop", function (event) {
    var step = event.target.closest(".board-step");
    if (!step || !dragged) return;
    event.preventDefault();
    step.classList.remove("is-target");
    move(dragged, step.getAttribute("data-step"));
  });
})();

/*
 * "Leave this page quickly", on every page (templates/base.html).
 *
 * The button, or Shift pressed three times on its own within five seconds
 * (as GOV.UK's "Exit this page"), signs the person out in the background and
 * replaces this page in the browser's history with the neutral page, so
 * Back does not bring the page back. Each Shift press is announced to
 * screen readers. Without this script the button's form posts to the same
 * address, which signs out and redirects to the same neutral page.
 */
(function () {
  "use strict";

  var PRESSES_TO_LEAVE = 3;
  var PRESS_WINDOW_MS = 5000;

  var form = document.querySelector("form.leave-quickly");
  if (!form) {
    return;
  }
  var status = document.getElementById("leave-quickly-status");
  var presses = 0;
  var resetTimer = null;
  var shiftWasAModifier = false;

  function announce(words) {
    status.textContent = words;
  }

  function leave() {
    document.documentElement.classList.add("is-leaving");
    // A beacon outlives the page it was sent from; if the browser will not
    // queue one, the form's own post signs out and redirects instead.
    if (navigator.sendBeacon && navigator.sendBeacon(form.action, new FormData(form))) {
      window.location.replace(form.dataset.exitUrl);
    } else {
      form.submit();
    }
  }

  function forgetPresses() {
    presses = 0;
    window.clearTimeout(resetTimer);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    leave();
  });

  // Shift held while typing a capital letter is not a press of its own.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      shiftWasAModifier = event.shiftKey;
      forgetPresses();
    }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    if (shiftWasAModifier) {
      shiftWasAModifier = false;
      return;
    }
    presses += 1;
    window.clearTimeout(resetTimer);
    if (presses >= PRESSES_TO_LEAVE) {
      forgetPresses();
      leave();
      return;
    }
    announce(presses === 1 ? form.dataset.twoMore : form.dataset.oneMore);
    resetTimer = window.setTimeout(function () {
      forgetPresses();
      announce("");
    }, PRESS_WINDOW_MS);
  });
})();

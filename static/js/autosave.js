/*
Autosave on the stage page: the little htmx cannot do by itself under our CSP.

- A save that gets no answer (offline, timed out), or an error htmx does
  not swap (403, a 500 without our answer), would leave "Saving…" on the screen. Say in words that it
  is not saved yet, and try again until it is, waiting longer each time
  (2, 4, 8 … up to 60 seconds). So does an answer that says the journal is
  busy (503) or that the person is signed out (401). A retry first asks the server (save_retry) for a
  fresh CSRF token, which then cues the save; if the person turns out to be
  signed out, the save itself answers 401 with what to do.
- A box's Save button belongs to the page's one form, which without
  JavaScript sends every box; here it saves its own box, at once.
- An answer identical to the one shown is not swapped in again, so a screen
  reader hears "Not saved yet" once, not at every retry; an answer with the
  same words in the status ("Saved at 14:02") updates only the rest.
- Mark the page, so the "saves by itself" note shows only when it does.
- "Removed. Undo" (a saved reflection's box was emptied): Undo puts the
  words back in the box and saves them again.
- While a box holds words not yet saved (a save waiting, under way or
  failed), leaving the page asks the browser's "Leave page?" first.
*/
(function () {
  "use strict";

  var FIRST_RETRY_MS = 2000;
  var LONGEST_RETRY_MS = 60000;
  var SAVE_NOW_EVENT = "nearer-save";

  document.documentElement.classList.add("autosave-on");

  function formOf(elt) {
    return elt && elt.closest ? elt.closest("[data-autosave]") : null;
  }

  function statusOf(form) {
    return form.querySelector("[role='status']");
  }

  function retrySoon(form) {
    if (form.nearerRetry) {
      return;
    }
    var wait = form.nearerWait || FIRST_RETRY_MS;
    form.nearerWait = Math.min(wait * 2, LONGEST_RETRY_MS);
    form.nearerRetry = window.setTimeout(function () {
      form.nearerRetry = null;
      if (form.isConnected) {
        // From the status, not the form: a GET from the form would put its text in the URL.
        htmx.ajax("GET", form.getAttribute("data-retry-url"), {
          source: statusOf(form),
          swap: "none",
        });
      }
    }, wait);
  }

  function notSaved(event) {
    var form = formOf(event.detail.elt);
    if (!form) {
      return;
    }
    var status = statusOf(form);
    var message = form.getAttribute("data-not-saved");
    if (status.textContent.trim() !== message) {
      status.textContent = message;
      status.nearerShown = null;
    }
    retrySoon(form);
  }

  document.addEventListener("htmx:sendError", notSaved);
  document.addEventListener("htmx:timeout", notSaved);
  document.addEventListener("htmx:responseError", notSaved);

  function boxOf(form) {
    return form.querySelector("textarea");
  }

  document.addEventListener("input", function (event) {
    var form = formOf(event.target);
    if (form) {
      form.nearerUnsaved = true;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (form && event.detail.elt === form) {
      form.nearerSending = boxOf(form).value;
    }
  });

  document.addEventListener("click", function (event) {
    var save = event.target.closest && event.target.closest("button[name='save']");
    var form = formOf(save);
    if (form) {
      event.preventDefault();
      htmx.trigger(form, SAVE_NOW_EVENT);
    }
  });

  // "Removed. Undo": the words go back in the box and save as a reflection again.
  document.addEventListener("click", function (event) {
    var undo = event.target.closest && event.target.closest(".undo-remove");
    var form = formOf(undo);
    if (!form) {
      return;
    }
    var box = boxOf(form);
    box.value = undo.getAttribute("data-undo-text");
    box.focus();
    form.nearerUnsaved = true;
    htmx.trigger(form, SAVE_NOW_EVENT);
  });

  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("[data-autosave]");
    var unsaved = Array.prototype.some.call(forms, function (form) {
      return form.nearerUnsaved;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    var xhr = event.detail.xhr;
    if (form && event.detail.elt === form && xhr) {
      // Saved (or kept beside another tab's), and nothing typed since it was sent.
      if ((xhr.status === 200 || xhr.status === 409) && boxOf(form).value === form.nearerSending) {
        form.nearerUnsaved = false;
      }
      if (xhr.status === 200) {
        form.nearerWait = null;
      } else if (xhr.status === 401 || xhr.status === 503) {
        retrySoon(form);
      }
    }
    // Our retry found nobody signed in (204): save anyway, to hear the 401 and show it.
    if (form && event.detail.elt === statusOf(form) && xhr && xhr.status === 204) {
      htmx.trigger(form, SAVE_NOW_EVENT);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.getAttribute("role") !== "status" || !formOf(target)) {
      return;
    }
    // Something went wrong on the server (500): its answer says so in words,
    // and retrying would not help.
    if (event.detail.xhr.status === 500 && !/<html/i.test(event.detail.serverResponse)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (target.nearerShown === event.detail.serverResponse) {
      event.detail.shouldSwap = false;
    } else if (plainWords(event.detail.serverResponse) === target.textContent.trim()) {
      // The same words ("Saved at 14:02" again, a minute not yet over): swap
      // only the out-of-band parts (the new version), so a screen reader
      // does not say it again at every pause in the typing.
      event.detail.swapOverride = "none";
    }
    target.nearerShown = event.detail.serverResponse;
  });

  // The status words of an answer, when they are words only: an answer that
  // brings a link must be swapped in.
  function plainWords(response) {
    var parsed = document.createElement("template");
    parsed.innerHTML = response;
    parsed.content.querySelectorAll("[hx-swap-oob]").forEach(function (oob) {
      oob.remove();
    });
    return parsed.content.children.length ? null : parsed.content.textContent.trim();
  }
})();

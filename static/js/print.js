/*
 * The Print button of the summary page (templates/account/summary_print.html).
 * It is hidden until this script shows it: without JavaScript, the page says
 * to print from the browser's menu.
 */
(function () {
  "use strict";

  var button = document.querySelector("[data-print]");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();

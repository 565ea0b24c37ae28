// The dashboard's figures always match the filters above them. htmx leaves the page as it was
// when an answer is an error; the server's 400 explains what is wrong with the filters, so it
// replaces the figures like any answer. When no answer comes (a server error, the network),
// the figures of the previous filters are taken away and a message says so.
(function () {
  "use strict";

  function isFigures(target) {
    return target && target.id === "dashboard-body";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isFigures(event.detail.target) && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function clearFigures(event) {
    var body = document.getElementById("dashboard-body");
    if (!body || !isFigures(event.detail.target)) {
      return;
    }
    var message = document.createElement("div");
    message.className = "message message--error";
    message.setAttribute("role", "alert");
    message.textContent = body.getAttribute("data-failed");
    body.replaceChildren(message);
  }

  document.addEventListener("htmx:responseError", clearFigures);
  document.addEventListener("htmx:sendError", clearFigures);
}());

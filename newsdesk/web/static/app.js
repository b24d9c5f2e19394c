// newsdesk: a little progressive enhancement; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.filters");
  if (!form) return;
  // Choosing a filter applies it at once.
  form.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { form.requestSubmit(); });
  });
  // Leave empty fields out of the URL so it stays short and shareable.
  form.addEventListener("submit", function () {
    form.querySelectorAll("input, select").forEach(function (el) {
      if (!el.value) el.disabled = true;
    });
  });
});

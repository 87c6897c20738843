// Keyboard-first review: Ctrl+Enter approves from anywhere in the form (Enter already does in
// a one-line field), Alt+L skips, Alt+K / Alt+D open "return" / "duplicate", suggestion chips
// fill their field, and the field box on the page lights up while its input has focus.
(function () {
  "use strict";
  function onReady(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  function openAndFocus(id) {
    var box = document.getElementById(id);
    if (!box) { return; }
    box.open = true;
    var first = box.querySelector("select, input:not([type=hidden]), textarea");
    if (first) { first.focus(); }
  }
  onReady(function () {
    var approve = document.getElementById("setujui");
    document.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && approve && approve.contains(document.activeElement)) {
        e.preventDefault();
        approve.requestSubmit();
      } else if (e.altKey && !e.ctrlKey) {
        var k = e.key.toLowerCase();
        if (k === "l") { var skip = document.getElementById("lewati"); if (skip) { e.preventDefault(); skip.click(); } }
        else if (k === "k") { e.preventDefault(); openAndFocus("kembalikan"); }
        else if (k === "d") { e.preventDefault(); openAndFocus("duplikat"); }
      }
    });
    document.querySelectorAll("button.chip[data-fill]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        var input = document.getElementById(chip.dataset.fill);
        if (input) { input.value = chip.dataset.value; input.focus(); }
      });
    });
    function light(name, on) {
      document.querySelectorAll('rect[data-field="' + name + '"]').forEach(function (r) {
        r.classList.toggle("focus", on);
        if (on && r.scrollIntoView) { r.scrollIntoView({ block: "nearest" }); }
      });
    }
    document.querySelectorAll(".field[id^=isian-]").forEach(function (field) {
      var name = field.id.slice(6);
      field.addEventListener("focusin", function () { light(name, true); });
      field.addEventListener("focusout", function () { light(name, false); });
    });
    document.querySelectorAll("rect[data-field]").forEach(function (r) {
      r.addEventListener("click", function () {
        var rest = document.querySelector("details.rest");
        var target = document.querySelector("#isian-" + r.dataset.field + " input, #isian-" + r.dataset.field + " textarea");
        if (target && rest && rest.contains(target)) { rest.open = true; }
        if (target) { target.focus(); }
      });
    });
  });
}());

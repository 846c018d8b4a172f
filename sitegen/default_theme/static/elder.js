/* 长者模式: larger type and stronger contrast, switched by the button in the header and
   remembered on this device (localStorage, no cookie). Loaded in the head, so a page is
   drawn in the chosen mode from the start. */
(function () {
  var root = document.documentElement, key = "sitegen-elder";
  try { if (localStorage.getItem(key) === "1") root.classList.add("elder"); } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("elder-toggle");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", root.classList.contains("elder") ? "true" : "false"); }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var on = root.classList.toggle("elder");
      try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
      show();
    });
  });
})();

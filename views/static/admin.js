// The officer console's one enhancement: copying the draft results.md. Without this script
// (or without clipboard access) the draft stays in its text area, to select and copy by hand.
(function () {
  'use strict';

  function reveal(root) {
    root.querySelectorAll('[data-copy-from][hidden]').forEach(function (b) { b.hidden = false; });
  }

  function say(button, text) {
    var status = button.closest('section, body').querySelector('[data-copy-status]');
    if (status) status.textContent = text;
  }

  // Selecting the text keeps the fallback one keystroke away (Ctrl+C) when the clipboard refuses.
  function selectFallback(button, area) {
    area.focus();
    area.select();
    say(button, 'Copying is not available here: the draft is selected, so copy it as you copy any text (Ctrl+C, ⌘C, or your device\'s Copy).');
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-copy-from]');
    if (!button) return;
    var area = document.getElementById(button.getAttribute('data-copy-from'));
    if (!area) return;
    if (!navigator.clipboard || !window.isSecureContext) return selectFallback(button, area);
    navigator.clipboard.writeText(area.value).then(
      function () { say(button, 'Copied results.md to the clipboard.'); },
      function () { selectFallback(button, area); });
  });

  document.addEventListener('DOMContentLoaded', function () { reveal(document); });
  document.addEventListener('htmx:load', function (e) { reveal(e.detail.elt); });
})();

// Small enhancements for every page; each page works without them.
(function () {
  'use strict';

  // Dates are printed in UTC by the server; add the viewer's own time beside them.
  function localTimes(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return;
    var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    root.querySelectorAll('time[data-local-time]:not([data-local-done])').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (isNaN(d.getTime())) return;
      var span = document.createElement('span');
      span.className = 'local-time';
      span.textContent = ' (' + format.format(d) + ' your time)';
      t.setAttribute('data-local-done', '');
      t.after(span);
    });
  }

  // A form that came back with problems: move focus to the summary so it is read out first.
  function focusErrors(root) {
    var summary = root.querySelector('[data-autofocus]');
    if (summary) summary.focus();
  }

  // The passphrase must be typed the same twice; say so before the round trip.
  function passphraseConfirmation(root) {
    var confirm = root.querySelector('#field-passphrase_confirm');
    var first = root.querySelector('#field-passphrase');
    if (!confirm || !first) return;
    var check = function () {
      confirm.setCustomValidity(confirm.value === first.value ? '' : 'The two passphrases are not the same.');
    };
    confirm.addEventListener('input', check);
    first.addEventListener('input', check);
  }

  function enhance(root) {
    localTimes(root);
    passphraseConfirmation(root);
  }

  document.addEventListener('DOMContentLoaded', function () {
    enhance(document);
    focusErrors(document);
  });
  document.addEventListener('htmx:load', function (e) { enhance(e.detail.elt); });
})();

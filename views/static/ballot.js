// The ranking widget. The server-rendered <select>s stay the real form fields; this script adds a
// ranked list and a "no opinion" list with drag-and-drop (mouse and touch, via pointer events),
// move/tie buttons, and announcements for screen readers, all kept in step with the selects.
// Each candidate is one Tab stop (a roving tabindex): Left and Right reach the rest of its controls.
(function () {
  'use strict';

  // How far (px) the pointer must travel before a press on a handle becomes a drag.
  var DRAG_THRESHOLD = 4;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // "A", "A and B", "A, B and C".
  function listOfNames(names) {
    return names.length < 2 ? names.join('') : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
  }

  function init(root) {
    var allowNone = root.getAttribute('data-allow-no-opinion') === 'true';
    var original = root.querySelector('.ballot-items');
    var items = Array.prototype.slice.call(original.children);
    var byKey = {};
    items.forEach(function (li) { byKey[li.getAttribute('data-key')] = li; });
    var selectOf = function (key) { return byKey[key].querySelector('select'); };
    var nameOf = function (key) { return byKey[key].getAttribute('data-name'); };
    var groups = [];
    var unranked = [];

    var live = el('p', { 'class': 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    var help = el('p', { 'class': 'ballot-js-help', id: 'ballot-js-help' },
      'Drag a candidate by its handle, or use its buttons: Up and Down move it, Tie gives it the same rank as the one above. '
      + 'You can also pick a number. With the keyboard, Tab goes from candidate to candidate; on a handle the Up and Down arrow keys '
      + 'move the candidate, and Left and Right reach its buttons and its rank menu.');
    var ranked = el('ol', { 'class': 'ranked-list', role: 'list', 'aria-labelledby': 'ranked-heading' });
    var rest = el('ul', { 'class': 'unranked-list', role: 'list', 'aria-labelledby': 'unranked-heading' });
    var rankedZone = el('div', { 'class': 'drop-zone ranked-zone' });
    var restZone = el('div', { 'class': 'drop-zone unranked-zone' });
    rankedZone.append(el('h2', { id: 'ranked-heading', 'class': 'zone-heading' }, 'Your ranking'),
      el('p', { 'class': 'drop-hint' }, 'Nobody ranked yet. Drag candidates here, or press Rank.'), ranked);
    restZone.append(el('h2', { id: 'unranked-heading', 'class': 'zone-heading' }, allowNone ? 'No opinion' : 'Not ranked yet'), rest);
    original.replaceWith(help, rankedZone, restZone, live);
    root.classList.add('ballot-enhanced');
    items.forEach(addControls);
    readSelects();
    render();

    function announce(text) {
      live.textContent = '';
      window.requestAnimationFrame(function () { live.textContent = text; });
    }

    // In plain words, with the rank the ballot will store: "Grace Sample: rank 2, tied with Linus Placeholder".
    function describe(key) {
      var gi = groupIndex(key);
      if (gi < 0) return nameOf(key) + ': ' + (allowNone ? 'no opinion' : 'not ranked');
      var others = groups[gi].filter(function (k) { return k !== key; }).map(nameOf);
      return nameOf(key) + ': rank ' + (gi + 1) + (others.length ? ', tied with ' + listOfNames(others) : '');
    }

    function addControls(li) {
      var key = li.getAttribute('data-key');
      var name = nameOf(key);
      var badge = el('span', { 'class': 'rank-badge', 'aria-hidden': 'true' });
      var handle = el('button', { type: 'button', 'class': 'drag-handle', 'aria-label': 'Move ' + name + ' (drag, or use the arrow keys)', 'aria-describedby': 'ballot-js-help' }, '⠿');
      var buttons = el('div', { 'class': 'move-buttons' });
      [['up', 'Up', 'Move ' + name + ' up'], ['down', 'Down', 'Move ' + name + ' down'], ['tie', 'Tie', ''], ['toggle', '', '']]
        .forEach(function (b) {
          var btn = el('button', { type: 'button', 'class': 'small-button', 'data-action': b[0] }, b[1]);
          if (b[2]) btn.setAttribute('aria-label', b[2]);
          buttons.append(btn);
        });
      // The select and the buttons share one row under the name (wrapping on narrow screens).
      var controls = el('div', { 'class': 'item-controls' });
      controls.append(li.querySelector('.rank-control'), buttons);
      li.prepend(handle, badge);
      li.append(controls);
      setTabStop(li, handle);
      buttons.addEventListener('click', function (ev) {
        var btn = ev.target.closest('button');
        if (btn) act(key, btn.getAttribute('data-action'), btn);
      });
      handle.addEventListener('keydown', function (ev) {
        if (ev.key === 'ArrowUp' || ev.key === 'ArrowDown') {
          ev.preventDefault();
          act(key, ev.key === 'ArrowUp' ? 'up' : 'down', handle);
        }
      });
      li.addEventListener('focusin', function (ev) { setTabStop(li, ev.target); });
      li.addEventListener('keydown', function (ev) { roveWithin(li, ev); });
      selectOf(key).addEventListener('change', function () {
        readSelects();
        render();
        announce(describe(key));
      });
      handle.addEventListener('pointerdown', function (ev) { startDrag(ev, key, handle); });
    }

    // The card's controls a keyboard can reach, in reading order.
    function controlsOf(li) {
      return Array.prototype.filter.call(li.querySelectorAll('button, select, a[href]'), function (c) {
        return !c.disabled && !c.hidden;
      });
    }

    function setTabStop(li, target) {
      if (controlsOf(li).indexOf(target) < 0) return;
      li.querySelectorAll('button, select, a[href]').forEach(function (c) { c.tabIndex = c === target ? 0 : -1; });
    }

    function roveWithin(li, ev) {
      var moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
      if (!(ev.key in moves) || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var list = controlsOf(li);
      var at = list.indexOf(ev.target);
      if (at < 0) return;
      ev.preventDefault();
      var to = Math.max(0, Math.min(list.length - 1, at + moves[ev.key]));
      list[to].focus();
    }

    // Selects → model. Numbers are taken as typed (no renumbering), so choosing 2 before 1 works;
    // the badges and announcements show the dense rank the ballot will store.
    function readSelects() {
      var byRank = {};
      unranked = [];
      items.forEach(function (li) {
        var key = li.getAttribute('data-key');
        var v = selectOf(key).value;
        if (/^\d+$/.test(v)) (byRank[v] = byRank[v] || []).push(key);
        else unranked.push(key);
      });
      groups = Object.keys(byRank).map(Number).sort(function (a, b) { return a - b; }).map(function (r) { return byRank[r]; });
    }

    // Model → selects, numbered 1..k after a move made with the widget.
    function writeSelects() {
      groups.forEach(function (g, i) { g.forEach(function (k) { selectOf(k).value = String(i + 1); }); });
      unranked.forEach(function (k) { selectOf(k).value = allowNone ? 'none' : ''; });
    }

    // Puts `li` at position `i` of `list`, moving it only when it is elsewhere (a move blurs it).
    function placeAt(list, li, i) {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    }

    function render() {
      var focused = document.activeElement;
      var r = 0;
      groups.forEach(function (g, gi) {
        g.forEach(function (key, i) {
          var li = byKey[key];
          placeAt(ranked, li, r++);
          li.classList.toggle('is-tied', g.length > 1);
          li.querySelector('.rank-badge').textContent = String(gi + 1);
          setButtons(li, key, gi, g.length > 1 && i > 0, true);
        });
      });
      unranked.forEach(function (key, i) {
        var li = byKey[key];
        placeAt(rest, li, i);
        li.classList.remove('is-tied');
        li.querySelector('.rank-badge').textContent = '–';
        setButtons(li, key, -1, false, false);
      });
      rankedZone.classList.toggle('is-empty', groups.length === 0);
      restZone.classList.toggle('is-empty', unranked.length === 0);
      items.forEach(function (li) {
        if (controlsOf(li).indexOf(li.querySelector('[tabindex="0"]')) < 0) setTabStop(li, li.querySelector('.drag-handle'));
      });
      // A card that moved between the lists was taken out of the page for a moment, which blurs it.
      if (focused && root.contains(focused) && document.activeElement !== focused && !focused.disabled && !focused.hidden) focused.focus();
    }

    function setButtons(li, key, gi, tiedAbove, isRanked) {
      var name = nameOf(key);
      var q = function (a) { return li.querySelector('[data-action="' + a + '"]'); };
      var inTie = isRanked && groups[gi].length > 1;
      q('up').hidden = q('down').hidden = q('tie').hidden = !isRanked;
      q('up').disabled = isRanked && gi === 0 && !inTie;
      q('down').disabled = isRanked && gi === groups.length - 1 && !inTie;
      q('tie').textContent = tiedAbove ? 'Untie' : 'Tie';
      q('tie').setAttribute('aria-label', tiedAbove ? 'Untie ' + name : 'Tie ' + name + ' with the rank above');
      q('tie').disabled = !tiedAbove && gi <= 0;
      q('toggle').textContent = isRanked ? (allowNone ? 'No opinion' : 'Unrank') : 'Rank';
      q('toggle').setAttribute('aria-label', isRanked ? (allowNone ? 'No opinion on ' + name : 'Unrank ' + name) : 'Rank ' + name);
    }

    function groupIndex(key) {
      for (var i = 0; i < groups.length; i++) if (groups[i].indexOf(key) >= 0) return i;
      return -1;
    }

    function take(key) {
      var gi = groupIndex(key);
      if (gi >= 0) {
        groups[gi].splice(groups[gi].indexOf(key), 1);
        if (groups[gi].length === 0) groups.splice(gi, 1);
      } else unranked.splice(unranked.indexOf(key), 1);
    }

    function act(key, action, focusAfter) {
      var gi = groupIndex(key);
      var g = groups[gi];
      if (action === 'toggle' || (gi < 0 && (action === 'up' || action === 'down'))) {
        // Rank (at the bottom of the ranking) or unrank; the arrow keys on an unranked candidate rank it.
        take(key);
        if (gi >= 0) unranked.push(key); else groups.push([key]);
      } else if (action === 'tie') {
        var tiedAbove = g.length > 1 && g.indexOf(key) > 0;
        take(key);
        if (tiedAbove) groups.splice(groupIndex(g[0]) + 1, 0, [key]);
        else groups[gi - 1].push(key);
      } else if (action === 'up' || action === 'down') {
        var up = action === 'up';
        if (g.length > 1) {
          take(key);
          groups.splice(up ? gi : gi + 1, 0, [key]);
        } else {
          var other = up ? gi - 1 : gi + 1;
          if (other < 0 || other >= groups.length) return;
          groups[gi] = groups[other];
          groups[other] = g;
        }
      }
      finish(key, focusAfter);
    }

    function finish(key, focusAfter) {
      writeSelects();
      render();
      announce(describe(key));
      if (focusAfter) {
        var target = focusAfter.disabled || focusAfter.hidden ? byKey[key].querySelector('.drag-handle') : focusAfter;
        target.focus();
      }
    }

    // Drag-and-drop with pointer events. A press becomes a drag once the pointer moves: the item
    // follows the pointer and a placeholder shows where it will land; held over the middle of a
    // ranked candidate it ties with that candidate, as does dropping between two tied candidates.
    function startDrag(ev, key, handle) {
      if (ev.button !== 0) return;
      ev.preventDefault();
      var li = byKey[key];
      var startX = ev.clientX;
      var startY = ev.clientY;
      var lastY = ev.clientY;
      var offset = 0;
      var lifted = false;
      var placeholder = null;
      var tieWith = null;
      var scrolling = 0;
      handle.setPointerCapture(ev.pointerId);

      function lift() {
        lifted = true;
        var rect = li.getBoundingClientRect();
        offset = startY - rect.top;
        placeholder = el('li', { 'class': 'drop-placeholder', 'aria-hidden': 'true' });
        placeholder.style.height = rect.height + 'px';
        li.after(placeholder);
        li.classList.add('is-dragging');
        li.style.width = rect.width + 'px';
        li.style.top = rect.top + 'px';
        li.style.left = rect.left + 'px';
        scrolling = window.requestAnimationFrame(autoScroll);
      }
      function target(node) {
        if (tieWith) tieWith.classList.remove('is-drop-target');
        tieWith = node;
        if (tieWith) tieWith.classList.add('is-drop-target');
        placeholder.classList.toggle('is-idle', !!tieWith);
      }
      function place(y) {
        var zone = y < restZone.getBoundingClientRect().top ? ranked : rest;
        var siblings = Array.prototype.filter.call(zone.children, function (c) { return c !== li && c !== placeholder; });
        var over = zone === ranked && siblings.find(function (c) {
          var r = c.getBoundingClientRect();
          return y >= r.top + r.height / 4 && y <= r.bottom - r.height / 4;
        });
        // Over a candidate's middle the placeholder stays put, so nothing shifts under the pointer.
        target(over || null);
        if (!over) {
          var before = siblings.find(function (c) { var r = c.getBoundingClientRect(); return y < r.top + r.height / 2; });
          zone.insertBefore(placeholder, before || null);
        }
        // The hint "Nobody ranked yet" goes as soon as something is on its way in (or still there).
        var othersRanked = Array.prototype.some.call(ranked.children, function (c) { return c !== li && c !== placeholder; });
        rankedZone.classList.toggle('is-empty', !othersRanked && placeholder.parentNode !== ranked);
      }
      function move(e) {
        lastY = e.clientY;
        if (!lifted) {
          if (Math.abs(e.clientX - startX) + Math.abs(e.clientY - startY) < DRAG_THRESHOLD) return;
          lift();
        }
        li.style.top = (e.clientY - offset) + 'px';
        place(e.clientY);
      }
      function autoScroll() {
        var edge = 60;
        var dy = lastY < edge ? -12 : lastY > window.innerHeight - edge ? 12 : 0;
        if (dy) { window.scrollBy(0, dy); place(lastY); }
        scrolling = window.requestAnimationFrame(autoScroll);
      }
      function end(cancelled) {
        window.cancelAnimationFrame(scrolling);
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
        handle.removeEventListener('pointercancel', cancel);
        document.removeEventListener('keydown', escape);
        if (lifted) {
          li.classList.remove('is-dragging');
          li.style.width = li.style.top = li.style.left = '';
          var tie = tieWith;
          target(null);
          if (!cancelled) drop(key, placeholder, tie);
          placeholder.remove();
          if (cancelled) render();
        }
        handle.focus();
      }
      function up() { end(false); }
      function cancel() { end(true); }
      function escape(e) { if (e.key === 'Escape') end(true); }
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
      handle.addEventListener('pointercancel', cancel);
      document.addEventListener('keydown', escape);
    }

    function drop(key, placeholder, tieWith) {
      // The dragged item is still in the list (lifted out visually), so step over it.
      var neighbour = function (node, dir) {
        while (node && (node === byKey[key] || !node.getAttribute('data-key'))) node = node[dir];
        return node ? node.getAttribute('data-key') : null;
      };
      var prev = neighbour(placeholder.previousElementSibling, 'previousElementSibling');
      var next = neighbour(placeholder.nextElementSibling, 'nextElementSibling');
      var inRanked = placeholder.parentNode === ranked;
      take(key);
      if (tieWith) {
        groups[groupIndex(tieWith.getAttribute('data-key'))].push(key);
      } else if (!inRanked) {
        unranked.push(key);
      } else {
        var pg = prev ? groupIndex(prev) : -1;
        var ng = next ? groupIndex(next) : -1;
        if (pg >= 0 && pg === ng) groups[pg].push(key);
        else if (ng >= 0) groups.splice(ng, 0, [key]);
        else groups.push([key]);
      }
      finish(key, null);
    }
  }

  document.querySelectorAll('[data-ballot]').forEach(init);
})();

// The admin console's only script: the user list filters as you type, and a row's action menu closes when another
// opens or on Escape. Without it the search form still works (GET) and the menus open and close with their summary.
(function () {
  'use strict';
  document.addEventListener(
    'toggle',
    function (event) {
      var menu = event.target;
      if (!menu.matches || !menu.matches('details.row-actions') || !menu.open) return;
      Array.prototype.forEach.call(document.querySelectorAll('details.row-actions[open]'), function (other) {
        if (other !== menu) other.open = false;
      });
    },
    true,
  );
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var menu = document.activeElement && document.activeElement.closest ? document.activeElement.closest('details.row-actions[open]') : null;
    if (!menu) return;
    menu.open = false;
    menu.querySelector('summary').focus();
  });
})();

(function () {
  'use strict';
  var form = document.querySelector('form[data-live-search]');
  var results = document.getElementById('results');
  if (!form || !results || !window.fetch || !window.URLSearchParams) return;
  var status = document.getElementById('results-status');
  var search = form.querySelector('input[name="search"]');
  var timer = null;
  var controller = null;

  /** The form's state as a query, without the defaults (the same addresses the server builds). */
  function queryOf() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, name) {
      var text = String(value).trim();
      if (!text) return;
      params.append(name, text);
    });
    return params.toString();
  }

  function refresh() {
    var query = queryOf();
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    results.setAttribute('aria-busy', 'true');
    fetch('/admin/users/results' + (query ? '?' + query : ''), { credentials: 'same-origin', signal: controller ? controller.signal : undefined })
      .then(function (response) {
        // A session that ended answers with the sign-in page: show it.
        if (response.redirected || !response.ok) {
          window.location.assign('/admin/users' + (query ? '?' + query : ''));
          return null;
        }
        return response.text();
      })
      .then(function (fragment) {
        if (fragment === null) return;
        results.innerHTML = fragment;
        results.setAttribute('data-query', query);
        results.setAttribute('aria-busy', 'false');
        window.history.replaceState(null, '', '/admin/users' + (query ? '?' + query : ''));
        var count = results.querySelector('[data-count]');
        if (status && count) status.textContent = count.getAttribute('data-count');
      })
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        results.setAttribute('aria-busy', 'false');
      });
  }

  if (search) {
    search.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll('select'), function (select) {
    select.addEventListener('change', refresh);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    refresh();
  });
  results.setAttribute('data-live', 'ready');
})();

// A long list of organizations gets a box above it that narrows the choices as you type (accents and case ignored).
// Without the script the select still lists every organization.
(function () {
  'use strict';
  var selects = document.querySelectorAll('select[data-filter]');
  if (!selects.length) return;

  function fold(text) {
    return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  Array.prototype.forEach.call(selects, function (select) {
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'option-filter';
    box.id = select.id + '-filter';
    box.autocomplete = 'off';
    box.setAttribute('aria-label', select.getAttribute('data-filter'));
    box.setAttribute('placeholder', select.getAttribute('data-filter'));
    box.setAttribute('aria-controls', select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener('keydown', function (event) {
      // Enter chooses, it does not submit the form half filled.
      if (event.key === 'Enter') event.preventDefault();
    });
    box.addEventListener('input', function () {
      var words = fold(box.value.trim());
      var shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var match = !words || fold(option.text + ' ' + option.value).indexOf(words) !== -1;
        option.hidden = !match;
        if (match) shown.push(option);
      });
      if (shown.length === 1 && select.value !== shown[0].value) {
        select.value = shown[0].value;
        select.dispatchEvent(new window.Event('change', { bubbles: true }));
      }
    });
  });
})();

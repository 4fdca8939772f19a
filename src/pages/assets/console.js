// The admin console's only script: the user list filters as you type. Without it the search form still works (GET).
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
      if (!text || (name === 'status' && text === 'ACTIVE')) return;
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

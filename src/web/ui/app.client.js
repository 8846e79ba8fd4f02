// The page's only script (served as /ui/app.js): live rows, relative times, selection and deletes,
// starting a replay and refreshing its history. Everything else is server-rendered HTML.
const POLL_MS = 2000;

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function relativeTime(iso) {
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 86400 * 30) return `${Math.floor(s / 86400)} d ago`;
  return iso.slice(0, 10);
}

function refreshTimes(root = document) {
  for (const t of $$('time.rel', root)) t.textContent = relativeTime(t.getAttribute('datetime'));
}

/** Parses server-rendered rows (our own escaped HTML) into elements. */
function rowsFrom(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = `<table><tbody>${html}</tbody></table>`;
  return $$('tbody > tr', tpl.content);
}

function startLiveRows() {
  const body = $('#event-rows');
  const url = body?.dataset.live;
  if (!url) return;
  const indicator = $('#live');
  let busy = false;
  const poll = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const sep = url.includes('?') && !url.endsWith('?') ? '&' : '';
      const res = await fetch(`${url}${sep}after=${body.dataset.newest}`, { headers: { accept: 'text/html' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const rows = rowsFrom(await res.text());
      if (rows.length) {
        $('#empty-state')?.remove();
        for (const row of rows.reverse()) {
          if (body.querySelector(`tr[data-id="${row.dataset.id}"]`)) continue;
          row.classList.add('fresh');
          body.prepend(row);
          refreshTimes(row);
        }
        body.dataset.newest = String(Math.max(...$$('tr[data-id]', body).map((r) => Number(r.dataset.id))));
        const total = $('#total');
        if (total) {
          total.dataset.count = String(Number(total.dataset.count) + rows.length);
          total.textContent = `${total.dataset.count} captured`;
        }
      }
      indicator?.classList.remove('paused');
      if (indicator) indicator.textContent = 'Live';
    } catch (error) {
      indicator?.classList.add('paused');
      if (indicator) indicator.textContent = 'Reconnecting…';
    } finally {
      busy = false;
    }
  };
  document.addEventListener('visibilitychange', () => {
    indicator?.classList.toggle('paused', document.hidden);
    if (!document.hidden) poll();
  });
  setInterval(poll, POLL_MS);
}

function selectedIds() {
  return $$('.row-check:checked').map((c) => Number(c.value));
}

function startSelection() {
  const del = $('#delete-selected');
  const replay = $('#replay-selected');
  if (!del) return;
  const update = () => {
    const n = selectedIds().length;
    del.disabled = replay.disabled = n === 0;
    $('#selection-note').textContent = n ? `${n} selected` : '';
  };
  document.addEventListener('change', (e) => {
    if (e.target.id === 'select-all') for (const c of $$('.row-check')) c.checked = e.target.checked;
    if (e.target.id === 'select-all' || e.target.classList.contains('row-check')) update();
  });
  del.addEventListener('click', async () => {
    const ids = selectedIds();
    if (!confirm(`Delete ${ids.length} envelope(s)? This cannot be undone.`)) return;
    const res = await fetch('/api/events', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    if (!res.ok) return alert(`Delete failed: ${await errorText(res)}`);
    for (const id of ids) $(`tr[data-id="${id}"]`)?.remove();
    const total = $('#total');
    if (total) {
      const { deleted } = await res.json();
      total.dataset.count = String(Math.max(0, Number(total.dataset.count) - deleted));
      total.textContent = `${total.dataset.count} captured`;
    }
    $('#select-all').checked = false;
    update();
  });
  replay.addEventListener('click', () => {
    location.href = `/replays?ids=${selectedIds().join(',')}`;
  });
}

function startEventDelete() {
  for (const button of $$('button[data-delete]')) {
    button.addEventListener('click', async () => {
      if (!confirm('Delete this envelope? This cannot be undone.')) return;
      const res = await fetch(`/api/events/${button.dataset.delete}`, { method: 'DELETE' });
      if (!res.ok) return alert(`Delete failed: ${await errorText(res)}`);
      location.href = '/';
    });
  }
}

async function errorText(res) {
  try {
    const body = await res.json();
    return body?.error?.message ?? body?.detail ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** The body of POST /api/replays: the CLI's options, from the form. */
function replayRequest(form) {
  const data = new FormData(form);
  const body = { dsn: String(data.get('dsn')).trim(), dryRun: data.get('dryRun') === 'on', rotateUsers: data.get('rotateUsers') === 'on', marker: data.get('marker') === 'on' };
  for (const key of ['release', 'environment']) if (String(data.get(key) ?? '').trim()) body[key] = String(data.get(key)).trim();
  const tags = String(data.get('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length) body.tags = tags;
  if (data.get('select') === 'ids') {
    body.ids = String(data.get('ids')).split(',').filter(Boolean).map(Number);
    return body;
  }
  for (const key of ['type', 'platform']) if (data.get(key)) body[key] = String(data.get(key));
  for (const key of ['project', 'limit']) if (data.get(key)) body[key] = Number(data.get(key));
  return body;
}

function startReplayForm() {
  const form = $('#replay-form');
  if (!form) return;
  const status = $('#replay-status');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = $('#start-replay');
    button.disabled = true;
    status.textContent = 'Starting…';
    status.className = 'muted';
    try {
      const res = await fetch('/api/replays', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(replayRequest(form)) });
      if (!res.ok) throw new Error(await errorText(res));
      const run = await res.json();
      status.textContent = `Run #${run.id ?? run.run?.id ?? '?'} started.`;
      await refreshHistory(true);
    } catch (error) {
      status.textContent = `Could not start: ${error.message}`;
      status.className = 'error-text';
    } finally {
      button.disabled = false;
    }
  });
}

let historyBoost = 0;

/** Re-renders the history while a run is in progress (and for a few polls after one was started). */
async function refreshHistory(started = false) {
  const box = $('#replay-history');
  if (!box) return;
  if (started) historyBoost = 5;
  const running = $('table[data-running="yes"]', box) !== null;
  if (!running && historyBoost <= 0) return;
  historyBoost--;
  const res = await fetch(box.dataset.src, { headers: { accept: 'text/html' } });
  if (!res.ok) return;
  box.innerHTML = await res.text();
  refreshTimes(box);
}

function start() {
  refreshTimes();
  setInterval(refreshTimes, 15000);
  startLiveRows();
  startSelection();
  startEventDelete();
  startReplayForm();
  if ($('#replay-history')) setInterval(() => refreshHistory().catch(() => {}), POLL_MS);
}

start();

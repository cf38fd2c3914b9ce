// The scoreboard page: one self-contained document (inline CSS and JS, no CDN,
// no font, no image), so it works on a conference network with no internet.
// It draws the board from /api/stream (Server-Sent Events) and redraws on every
// change, without reloading. Names are put in with textContent, never as HTML.
// With #admin=TOKEN in its address (the trainer's view) it offers the exports
// and "end the workshop", and removes the token from the address bar at once.
import { createHash } from 'node:crypto';
import { escapeHtml } from '../report/escape.js';

const STYLE = `
:root{color-scheme:light dark;--ok:#2f855a;--bad:#c53030;--mid:#b7791f;--dim:#718096;--line:#e2e8f0;--bg:#fff;--fg:#1a202c;--head:#f7fafc}
@media (prefers-color-scheme:dark){:root{--line:#2d3748;--bg:#171923;--fg:#e2e8f0;--head:#1a202c;--dim:#a0aec0}}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1.25rem 1.5rem;background:var(--bg);color:var(--fg)}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.5rem;margin-bottom:1rem}
h1{margin:0;font-size:1.6rem}
#status{color:var(--dim)}
#live{font-size:.85rem;padding:.1rem .5rem;border-radius:1rem;border:1px solid var(--line)}
#live.on{color:var(--ok)}#live.off{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}th small{display:block;color:var(--dim);font-weight:400}
td.num,th.num{text-align:right}td.rank{color:var(--dim)}td.name{font-weight:600}
td.empty{color:var(--dim);text-align:center;padding:2rem}
td.cell .state{font-weight:600}td.cell .detail,td.cell .note{font-size:.85rem;color:var(--dim)}
td.fixed .state{color:var(--ok)}td.solved .state{color:var(--mid)}td.stopped .state{color:var(--dim)}td.running .state{color:var(--fg)}
td.idle{color:var(--dim)}
#admin{margin:0 0 1rem;display:flex;gap:.5rem;align-items:center}
#admin[hidden]{display:none}
button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--head);color:var(--fg);cursor:pointer}
#message{color:var(--bad)}
footer{margin-top:1.5rem;color:var(--dim);font-size:.8rem}
`;

const SCRIPT = `
'use strict';
const ADMIN_KEY = 'netbreak-admin-token';
const $ = (id) => document.getElementById(id);
let board = null;
let offset = 0;

function readAdmin() {
  const m = /(?:^|[#&])admin=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(ADMIN_KEY, m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(ADMIN_KEY);
}
const admin = readAdmin();

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(r).padStart(2, '0');
}
const now = () => Date.now() + offset;
const LABEL = { fixed: '✓ fixed', solved: '◐ solved with the reference fix', stopped: '■ stopped', running: '▶ started' };

function cellView(name, scenario, c) {
  const td = el('td', 'cell');
  td.dataset.attendee = name;
  td.dataset.scenario = scenario;
  if (!c) {
    td.classList.add('idle');
    td.dataset.state = 'none';
    td.textContent = '—';
    return td;
  }
  const state = c.fixed ? 'fixed' : c.solved ? 'solved' : c.stoppedAt ? 'stopped' : 'running';
  td.classList.add(state);
  td.dataset.state = state;
  td.dataset.score = c.score === null ? '' : String(c.score);
  td.dataset.hints = String(c.hints);
  const time = el('span', 'time');
  if (c.timeMs === null) time.dataset.since = c.startedAt;
  else time.textContent = clock(c.timeMs);
  const top = el('div', 'state', LABEL[state] + ' ');
  top.append(time);
  const evidence = c.evidence === null ? '' : c.evidence ? ' · evidence ✓' : ' · evidence ✗';
  const detail = el('div', 'detail', (c.score === null ? (state === 'running' ? 'no diagnosis yet' : 'no diagnosis') : 'diagnosis ' + c.score + '/100') + evidence + ' · ' + c.hints + (c.hints === 1 ? ' hint' : ' hints'));
  td.append(top, detail);
  const notes = [];
  if (!c.fixed && c.lastCheckPassed === false) notes.push('check failing (' + c.checks + ' run' + (c.checks === 1 ? '' : 's') + ')');
  if (c.attempts > 1) notes.push('attempt ' + c.attempts);
  if (notes.length) td.append(el('div', 'note', notes.join(' · ')));
  return td;
}

function labView(name, lab) {
  const td = el('td', 'lab');
  td.dataset.attendee = name;
  td.dataset.labState = lab ? lab.state : 'none';
  td.append(el('div', 'state', lab ? lab.state : 'not hosted'));
  if (lab && lab.detail) td.append(el('div', 'note', lab.detail));
  if (admin && lab && lab.state !== 'ended') {
    const reset = el('button', 'reset', 'Reset lab');
    reset.type = 'button';
    reset.dataset.reset = name;
    td.append(reset);
  }
  return td;
}

function render() {
  const { room, rows } = board;
  document.title = room.title + ' · netbreak';
  $('title').textContent = room.title;
  const head = el('tr');
  head.append(el('th', 'num', '#'), el('th', null, 'Attendee'));
  for (const s of room.scenarios) {
    const th = el('th', 'scenario', s.title);
    th.append(el('small', null, s.id));
    head.append(th);
  }
  head.append(el('th', 'num', 'Fixed'), el('th', 'num', 'Score'), el('th', 'num', 'Hints'));
  // Hosted labs (serve --host-labs): each attendee's lab on the trainer's machine, and the trainer's reset.
  if (board.labs) head.append(el('th', null, 'Lab'));
  $('head').replaceChildren(head);
  const body = [];
  if (rows.length === 0) {
    const tr = el('tr');
    const how = board.labs ? 'open the join URL the trainer shows in a browser' : 'netbreak workshop join URL --name NAME (the URL the trainer shows)';
    const td = el('td', 'empty', 'No attendees yet. They join with: ' + how + '.');
    td.colSpan = room.scenarios.length + (board.labs ? 6 : 5);
    tr.append(td);
    body.push(tr);
  }
  for (const row of rows) {
    const tr = el('tr');
    tr.dataset.attendee = row.name;
    tr.append(el('td', 'num rank', String(row.rank)), el('td', 'name', row.name));
    for (const s of room.scenarios) tr.append(cellView(row.name, s.id, row.cells[s.id]));
    tr.append(el('td', 'num total-fixed', String(row.fixed)), el('td', 'num total-score', String(row.score)), el('td', 'num total-hints', String(row.hints)));
    if (board.labs) tr.append(labView(row.name, board.labs[row.name]));
    body.push(tr);
  }
  $('rows').replaceChildren(...body);
  tick();
}

function tick() {
  if (!board) return;
  const { room, rows } = board;
  const ended = !room.open || (room.endsAt !== null && Date.parse(room.endsAt) <= now());
  // Clocks of unfinished sessions stop when the workshop does.
  const until = ended ? Date.parse(room.endedAt || room.endsAt) || now() : now();
  for (const t of document.querySelectorAll('[data-since]')) t.textContent = clock(until - Date.parse(t.dataset.since));
  const when = ended ? 'ended' : room.endsAt ? 'ends in ' + clock(Date.parse(room.endsAt) - now()) : 'open';
  $('status').textContent = rows.length + (rows.length === 1 ? ' attendee' : ' attendees') + ' · ' + room.scenarios.length + ' scenarios · ' + when;
  $('status').dataset.state = ended ? 'ended' : 'open';
}

function live(on) {
  $('live').textContent = on ? 'live' : 'reconnecting…';
  $('live').className = on ? 'on' : 'off';
}

function connect() {
  const source = new EventSource('/api/stream');
  source.addEventListener('board', (e) => {
    board = JSON.parse(e.data);
    offset = board.room.serverTime - Date.now();
    render();
    live(true);
  });
  // EventSource reconnects by itself; say so meanwhile.
  source.addEventListener('error', () => live(false));
}

function say(text) {
  $('message').textContent = text;
}

async function adminFetch(url, init) {
  const response = await fetch(url, { ...init, headers: { authorization: 'Bearer ' + admin } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ error: 'the server answered ' + response.status }));
    throw new Error(body.error);
  }
  return response;
}

async function download(url, file) {
  try {
    const blob = await (await adminFetch(url)).blob();
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = file;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    say('');
  } catch (error) {
    say(error.message);
  }
}

if (admin) {
  $('admin').hidden = false;
  const name = () => 'netbreak-workshop-' + (board ? board.room.id : 'room');
  $('export-csv').addEventListener('click', () => download('/api/export.csv', name() + '.csv'));
  $('export-json').addEventListener('click', () => download('/api/export.json', name() + '.json'));
  $('rows').addEventListener('click', async (e) => {
    const name = e.target.dataset && e.target.dataset.reset;
    if (!name || !confirm('Reset ' + name + "'s lab? Their changes to it are lost.")) return;
    try {
      await adminFetch('/api/host/reset/' + encodeURIComponent(name), { method: 'POST' });
      say('');
    } catch (error) {
      say(error.message);
    }
  });
  $('end').addEventListener('click', async () => {
    if (!confirm('End the workshop now? Results sent after this are refused.')) return;
    try {
      await adminFetch('/api/end', { method: 'POST' });
      say('');
    } catch (error) {
      say(error.message);
    }
  });
}
setInterval(tick, 1000);
connect();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own script and style may run, and it may talk only to this server. */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function scoreboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netbreak workshop</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1 id="title">netbreak workshop</h1><span id="status">connecting…</span><span id="live" class="off">connecting…</span></header>
<div id="admin" hidden><button id="export-csv" type="button">Export CSV</button><button id="export-json" type="button">Export JSON</button><button id="end" type="button">End the workshop</button><span id="message"></span></div>
<table><thead id="head"></thead><tbody id="rows"></tbody></table>
<footer>Served by netbreak from the trainer's machine; no internet needed. Updates live.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** What a browser shows at the join URL: the command to run, since joining happens in the terminal. */
export function joinPage(title: string, joinUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Join ${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><h1>Join “${escapeHtml(title)}”</h1>
<p>In a terminal on the machine where you will run netbreak:</p>
<pre>netbreak workshop join ${escapeHtml(joinUrl)} --name YOUR-NAME</pre>
<p>Your name: 1–20 lower-case letters, digits and dashes. It names your lab too.</p>
<footer><a href="/">The scoreboard</a></footer>
</body></html>
`;
}

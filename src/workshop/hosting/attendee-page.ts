// The attendee's pages when the room hosts the labs: the join form (a name, no
// install) and the lab page (the scenario's story and symptom, a terminal in
// their own lab, buttons for hint, check and the diagnosis form, and the next
// scenario once this one is fixed). The scripts are served as files (see
// assets.ts) so the page's policy allows only this server's own scripts. The
// token the join hands out is kept in the browser's localStorage: a closed tab
// or a restarted browser comes back to the same lab and terminal.
import { escapeHtml } from '../../report/escape.js';
import type { Asset } from './assets.js';

/** Only this server's scripts; xterm.js sets its own styles inline, hence 'unsafe-inline' for style only. */
export const HOSTED_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STYLE = `
:root{color-scheme:light dark;--ok:#2f855a;--bad:#c53030;--dim:#718096;--line:#cbd5e0}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem 1.25rem}
h1{margin:0 0 .5rem;font-size:1.4rem}h2{margin:.25rem 0;font-size:1.15rem}
button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:6px;cursor:pointer}
input{font:inherit;padding:.3rem .5rem}
#message{color:var(--bad)}.dim{color:var(--dim)}
main{display:grid;grid-template-columns:minmax(16rem,26rem) 1fr;gap:1rem;height:calc(100vh - 5rem)}
#brief{overflow:auto}#brief p{white-space:pre-wrap}
#terminal{min-height:20rem;height:100%;background:#000;padding:.25rem}
.state-ready{color:var(--ok)}.state-failed{color:var(--bad)}
#actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0}
`;

const STORAGE_KEY = 'netbreak-attendee';

const JOIN_SCRIPT = `
'use strict';
const KEY = ${JSON.stringify(STORAGE_KEY)};
const $ = (id) => document.getElementById(id);
const code = decodeURIComponent(location.pathname.split('/').pop());
const saved = JSON.parse(localStorage.getItem(KEY) || 'null');
if (saved && saved.code === code) {
  $('again').hidden = false;
  $('again-name').textContent = saved.name;
}
$('join').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('message').textContent = '';
  const name = $('name').value.trim();
  try {
    const r = await fetch('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) });
    const body = await r.json();
    if (!r.ok) { $('message').textContent = body.error; return; }
    localStorage.setItem(KEY, JSON.stringify({ code, name: body.attendee.name, token: body.token }));
    location.assign('/lab');
  } catch {
    $('message').textContent = 'The workshop server did not answer: check that you are on the trainer\\'s network and try again.';
  }
});
`;

const LAB_SCRIPT = `
'use strict';
const KEY = ${JSON.stringify(STORAGE_KEY)};
const $ = (id) => document.getElementById(id);
const me = JSON.parse(localStorage.getItem(KEY) || 'null');
const say = (text) => { $('message').textContent = text || ''; };
const auth = () => ({ authorization: 'Bearer ' + me.token });

const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000, convertEol: false });
const fit = new FitAddon.FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
let ws = null;
let retries = 0;
let stopped = false;

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}
function connect() {
  ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/host/terminal');
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    retries = 0;
    // The server replays the screen: start from a clean one.
    term.reset();
    ws.send(JSON.stringify({ type: 'auth', token: me.token, cols: term.cols, rows: term.rows }));
    $('live').textContent = 'connected';
    $('live').className = 'state-ready';
  };
  ws.onmessage = (e) => term.write(new Uint8Array(e.data));
  ws.onclose = (e) => {
    $('live').textContent = 'disconnected';
    $('live').className = 'state-failed';
    if (e.code >= 4000) { stopped = true; say(e.reason); return; }
    if (!stopped) setTimeout(connect, Math.min(5000, 500 * ++retries));
  };
}
term.onData((data) => send({ type: 'input', data }));
term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
window.addEventListener('resize', () => fit.fit());

function type(command) {
  send({ type: 'input', data: command + '\\r' });
  term.focus();
}
$('hint').addEventListener('click', () => type('netbreak hint'));
$('check').addEventListener('click', () => type('netbreak check'));
$('diagnose').addEventListener('click', () => type('netbreak diagnose'));
$('next').addEventListener('click', async () => {
  say('');
  const r = await fetch('/api/host/next', { method: 'POST', headers: auth() });
  if (!r.ok) say((await r.json()).error);
  refresh();
});

async function refresh() {
  let view;
  try {
    const r = await fetch('/api/host/me', { headers: auth() });
    view = await r.json();
    if (r.status === 401) { stopped = true; localStorage.removeItem(KEY); say(view.error); if (ws) ws.close(); return; }
    if (!r.ok) { say(view.error); return; }
  } catch {
    return;
  }
  $('name').textContent = view.name;
  $('progress').textContent = 'scenario ' + (view.index + 1) + ' of ' + view.scenarios.length;
  $('lab-state').textContent = view.lab.state + (view.lab.detail ? ': ' + view.lab.detail : '');
  $('lab-state').className = 'state-' + view.lab.state;
  const brief = view.brief;
  $('scenario').textContent = brief ? brief.title : view.scenarios[view.index].title;
  $('story').textContent = brief ? brief.story : '';
  $('symptom').textContent = brief ? 'from ' + brief.symptom.from + ', ' + brief.symptom.to + ' fails.' : '';
  $('task').textContent = brief ? brief.task : '';
  $('fixed').hidden = !view.fixed;
  $('next').hidden = !(view.fixed && !view.last);
  $('done').hidden = !(view.fixed && view.last);
}

if (!me) {
  stopped = true;
  say('Open the join link the trainer gave you first.');
} else {
  connect();
  refresh();
  setInterval(refresh, 2000);
}
`;

/** The page scripts as files for the asset routes, so the policy needs no inline script. */
export const PAGE_SCRIPTS: Record<string, Asset> = {
  '/assets/join.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(JOIN_SCRIPT) },
  '/assets/lab.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(LAB_SCRIPT) },
};

export function hostedJoinPage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Join ${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><h1>Join “${escapeHtml(title)}”</h1>
<p>Your lab and terminal run on the trainer's machine: nothing to install.</p>
<p id="again" hidden>You joined as <strong id="again-name"></strong> in this browser: <a href="/lab">back to your lab</a>.</p>
<form id="join"><label>Your name <input id="name" required maxlength="20" pattern="[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?" autocomplete="off"></label>
<button type="submit">Join</button></form>
<p class="dim">1–20 lower-case letters, digits and dashes; it names your lab and your row on the scoreboard.</p>
<p id="message"></p>
<footer><a href="/">The scoreboard</a></footer>
<script src="/assets/join.js"></script>
</body></html>
`;
}

export function labPage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · your lab</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/xterm.css"><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)} · <span id="name"></span> <small class="dim" id="progress"></small></h1>
<main>
<section id="brief">
<h2 id="scenario"></h2>
<p>Lab: <span id="lab-state">…</span> · terminal: <span id="live">connecting</span></p>
<p id="story"></p>
<p><strong>Symptom:</strong> <span id="symptom"></span></p>
<p><strong>Your task:</strong> <span id="task"></span></p>
<div id="actions"><button id="hint" type="button">Hint</button><button id="diagnose" type="button">Diagnosis form</button><button id="check" type="button">Check</button>
<button id="next" type="button" hidden>Next scenario</button></div>
<p id="fixed" class="state-ready" hidden>Fixed: the check passes.</p>
<p id="done" hidden>That was the last scenario. Well done.</p>
<p id="message"></p>
<p class="dim"><a href="/">The scoreboard</a></p>
</section>
<div id="terminal"></div>
</main>
<script src="/assets/xterm.js"></script><script src="/assets/addon-fit.js"></script><script src="/assets/lab.js"></script>
</body></html>
`;
}

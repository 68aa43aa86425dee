// trusthub dashboard: plain ES module, no build step. Every value from the hub goes into the page as text
// (textContent / attributes), never as markup.
const $ = (sel) => document.querySelector(sel);
const SVG = 'http://www.w3.org/2000/svg';
const STATES = ['MANUFACTURED', 'BOOTSTRAPPING', 'OPERATIONAL', 'MAINTENANCE', 'DECOMMISSIONED'];

let session = null;
let events = null;
let current = null; // thing id shown on the thing page
let refreshTimer = null;
let confirming = null; // thing whose decommissioning waits for its confirmation

function el(tag, attrs = {}, ...children) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.setAttribute('class', v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function say(text) { $('#status').textContent = text || ''; }
function fail(text) { $('#error').textContent = text || ''; }

async function api(method, path, body) {
  const headers = {};
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (session) headers['X-CSRF-Token'] = session.csrf;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== '/api/login') {
    showLogin();
  }
  if (!res.ok) {
    const err = new Error(data.error || res.statusText);
    err.field = data.field;
    err.status = res.status;
    throw err;
  }
  return data;
}

function show(view) {
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== 'view-' + view;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.id === 'nav-' + view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function showLogin() {
  session = null;
  if (events) { events.close(); events = null; }
  $('#nav').hidden = true;
  $('#who').hidden = true;
  show('login');
  $('#login-user').focus();
}

async function loggedIn(s) {
  session = s;
  $('#who-name').textContent = `${s.user} (${s.role})`;
  $('#who').hidden = false;
  $('#nav').hidden = false;
  $('#nav-enroll').hidden = !s.mayChange;
  connectEvents();
  await route();
}

// ---- routing
async function route() {
  if (!session) return showLogin();
  fail('');
  const hash = location.hash || '#/topology';
  const m = hash.match(/^#\/thing\/(.+)$/);
  try {
    if (m) {
      const id = decodeURIComponent(m[1]);
      if (id !== current) confirming = null;
      current = id; show('thing'); await loadThing();
    }
    else if (hash === '#/enroll') { current = null; show('enroll'); }
    else if (hash === '#/events') { current = null; show('events'); await loadEvents(); }
    else { current = null; show('topology'); await loadTopology(); }
  } catch (e) { fail(e.message); }
}

// ---- topology
async function loadTopology() {
  const [things, bindings] = await Promise.all([api('GET', '/api/things'), api('GET', '/api/bindings')]);
  drawTopology(things, bindings);
  const body = $('#things tbody');
  body.replaceChildren(...things.map((t) => el('tr', { 'data-thing': t.id, 'data-state': t.state || 'unknown' },
    el('td', {}, el('a', { href: '#/thing/' + encodeURIComponent(t.id) }, t.id)),
    el('td', {}, el('span', { class: 'chip st-' + (t.state || 'unknown') }, t.state || 'not enrolled')),
    el('td', {}, t.protocols.map((p) => el('span', { class: p.simulated ? 'chip sim' : 'chip prot' },
      p.protocol + (p.simulated ? ' SIMULATED' : '')))),
    el('td', {}, t.protection),
    el('td', {}, String(t.refusals)))));
  if (things.length === 0) body.append(el('tr', {}, el('td', { colspan: 5 }, 'No things yet.')));
}

function drawTopology(things, bindings) {
  const W = 800, H = 520, cx = W / 2, cy = H / 2;
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'topology-desc' });
  const protocols = bindings.map((b) => b.protocol);
  const unbound = things.filter((t) => t.protocols.length === 0);
  const groups = bindings.map((b) => ({ b, things: things.filter((t) => t.protocols.some((p) => p.protocol === b.protocol)) }));
  if (unbound.length) groups.push({ b: { protocol: 'registry only', simulated: false }, things: unbound });
  svg.append(el('svg:title', { id: 'topology-desc' },
    `Hub with ${protocols.length} bindings and ${things.length} things`));
  const n = Math.max(groups.length, 1);
  const hubR = 38, ring = Math.min(W, H) * 0.26, outer = Math.min(W, H) * 0.44;
  groups.forEach((g, i) => {
    const a = (2 * Math.PI * i) / n - Math.PI / 2;
    const bx = cx + ring * Math.cos(a), by = cy + ring * Math.sin(a);
    svg.append(el('svg:line', { x1: cx, y1: cy, x2: bx, y2: by, stroke: '#9aa3ad', 'stroke-width': 2 }));
    const spread = Math.min(Math.PI / 1.5, (2 * Math.PI) / n * 0.9);
    g.things.forEach((t, j) => {
      const ta = a + (g.things.length === 1 ? 0 : spread * (j / (g.things.length - 1) - 0.5));
      const tx = cx + outer * Math.cos(ta), ty = cy + outer * Math.sin(ta);
      svg.append(el('svg:line', { x1: bx, y1: by, x2: tx, y2: ty, stroke: '#c5ccd3' }));
      const prot = t.protection || 'none';
      const protRing = prot.startsWith('confidentiality') ? {} : prot.startsWith('integrity') ? { 'stroke-dasharray': '4 3' } : { 'stroke-width': 0 };
      const node = el('svg:a', { href: '#/thing/' + encodeURIComponent(t.id), 'data-thing': t.id,
        'data-state': t.state || 'unknown', 'aria-label': `${t.id}: ${t.state || 'not enrolled'}, protection ${prot}${t.simulated ? ', SIMULATED' : ''}` },
        el('svg:circle', Object.assign({ cx: tx, cy: ty, r: 16, class: 'node st-' + (t.state || 'unknown'),
          fill: stateColour(t.state), stroke: '#1b1f24', 'stroke-width': 3 }, protRing)),
        el('svg:text', { x: tx, y: ty + 32, 'text-anchor': 'middle', 'font-size': 12 }, t.id),
        t.simulated ? el('svg:text', { x: tx, y: ty + 45, 'text-anchor': 'middle', 'font-size': 10, fill: '#a04000',
          'font-weight': 700 }, 'SIMULATED') : null);
      svg.append(node);
    });
    svg.append(el('svg:rect', { x: bx - 52, y: by - 16, width: 104, height: 32, rx: 8, fill: '#fff',
      stroke: g.b.simulated ? '#a04000' : '#1d4e89', 'stroke-width': 2, 'stroke-dasharray': g.b.simulated ? '5 3' : null }));
    svg.append(el('svg:text', { x: bx, y: by + 5, 'text-anchor': 'middle', 'font-size': 13 }, g.b.protocol));
    if (g.b.simulated) {
      svg.append(el('svg:text', { x: bx, y: by + 30, 'text-anchor': 'middle', 'font-size': 11, fill: '#a04000',
        'font-weight': 700, 'data-simulated': g.b.protocol }, 'SIMULATED'));
    }
  });
  svg.append(el('svg:circle', { cx, cy, r: hubR, fill: '#1d4e89' }));
  svg.append(el('svg:text', { x: cx, y: cy + 5, 'text-anchor': 'middle', fill: '#fff', 'font-size': 15,
    'font-weight': 700 }, 'hub'));
  $('#topology').replaceChildren(svg);
}

function stateColour(s) {
  return { OPERATIONAL: '#2e8540', BOOTSTRAPPING: '#d08b00', MANUFACTURED: '#6b7a8f', MAINTENANCE: '#7b4fb3',
    DECOMMISSIONED: '#b3261e' }[s] || '#c5ccd3';
}

// ---- thing page
function age(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' d';
}

async function loadThing() {
  const id = current;
  const t = await api('GET', '/api/things/' + encodeURIComponent(id));
  if (current !== id) return;
  $('#thing-title').textContent = 'Thing ' + t.id;
  const facts = [['State', el('span', { class: 'chip st-' + (t.state || 'unknown'), id: 'thing-state' }, t.state || 'not enrolled')],
    ['Owner', t.owner || '-'], ['Enrolled', t.enrolled || '-'], ['Changed', t.changed || '-'],
    ['Protocols', t.security ? t.security.protocols.map((p) => el('span', { class: p.simulated ? 'chip sim' : 'chip prot' },
      p.protocol + (p.simulated ? ' SIMULATED' : ''))) : '-'],
    ['Protection now', t.security ? t.security.protection : '-'],
    ['Policy requires (inbound)', t.security ? Object.entries(t.security.required).map(([p, r]) => `${p}: ${r}`).join(', ') || 'nothing extra' : '-']];
  $('#thing-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  actions(t);
  properties(t);
  const layers = t.security ? t.security.layers : [];
  $('#thing-layers tbody').replaceChildren(...layers.map((l) => el('tr', {},
    el('th', { scope: 'row' }, l.layer), el('td', {}, l.generation || '-'), el('td', {}, age(l.keyAgeSeconds)),
    el('td', {}, l.mechanisms.join(', ') || '-'),
    el('td', {}, l.sessions.map((s) => `${s.mechanism} ${s.protection}`).join(', ') || '-'),
    el('td', {}, Object.entries(l.refusals).map(([r, c]) => `${r} ${c}`).join(', ') || '-'))));
  $('#thing-history').replaceChildren(...(t.journal.length ? t.journal.map((e) => el('li', {},
    el('time', {}, e.time), ` ${e.transition}: ${e.from ? e.from + ' → ' : ''}${e.to}${e.by ? ' by ' + e.by : ''}`))
    : [el('li', {}, 'Not in the registry.')]));
}

function actions(t) {
  const box = $('#thing-actions');
  box.replaceChildren();
  if (!session.mayChange || !t.state) return;
  for (const tr of t.transitions) {
    if (tr === 'DECOMMISSION') continue;
    box.append(el('button', { type: 'button', 'data-transition': tr, onclick: () => transition(t.id, tr) }, tr.toLowerCase()));
  }
  if (t.state !== 'DECOMMISSIONED') {
    box.append(el('button', { type: 'button', class: 'secondary', id: 'rotate', onclick: () => act(
      () => api('POST', `/api/things/${encodeURIComponent(t.id)}/keys/rotate`, {}), 'Keys of every layer rotated') }, 'rotate keys'));
  }
  if (t.transitions.includes('DECOMMISSION')) {
    // Two steps; the page may redraw in between (events), so the step is kept outside the buttons.
    const asking = confirming === t.id;
    const confirmBtn = el('button', { type: 'button', class: 'danger', id: 'decommission-confirm', hidden: !asking,
      onclick: () => { confirming = null; transition(t.id, 'DECOMMISSION'); } },
    'yes, decommission ' + t.id + ' (revokes every key)');
    box.append(el('button', { type: 'button', class: 'danger', 'data-transition': 'DECOMMISSION', hidden: asking,
      onclick: (ev) => { confirming = t.id; ev.target.hidden = true; confirmBtn.hidden = false; confirmBtn.focus(); } },
    'decommission'), confirmBtn);
  }
}

async function act(fn, done) {
  fail('');
  try { await fn(); say(done); await route(); } catch (e) { fail(e.message); }
}

function transition(id, tr) {
  return act(() => api('POST', `/api/things/${encodeURIComponent(id)}/transitions`, { transition: tr }),
    `${id}: ${tr.toLowerCase()} done`);
}

function properties(t) {
  const body = $('#thing-properties tbody');
  const props = t.model ? t.model.properties : [];
  body.replaceChildren(...props.map((p) => {
    const value = p.value === null || p.value === undefined ? '-' : `${p.value}${p.unit ? ' ' + p.unit : ''}`;
    let set = '-';
    if (p.writable && session.mayChange && t.model.available) {
      const input = el('input', { id: 'set-' + p.id, 'aria-label': 'new value of ' + p.label,
        value: p.value === null || p.value === undefined ? '' : String(p.value) });
      set = el('form', { class: 'setform', onsubmit: (ev) => { ev.preventDefault();
        act(() => api('PUT', `/api/things/${encodeURIComponent(t.id)}/properties/${encodeURIComponent(p.id)}`,
          { value: input.value }), `${p.label} set`); } }, input, el('button', { type: 'submit' }, 'set'));
    }
    return el('tr', { 'data-property': p.id }, el('th', { scope: 'row' }, p.label), el('td', { class: 'value' }, value),
      el('td', {}, p.quality || '-'), el('td', {}, set));
  }));
  if (!props.length) body.append(el('tr', {}, el('td', { colspan: 4 }, t.model ? 'No properties.' : 'No binding described this thing.')));
}

// ---- enroll
function kind() { return document.querySelector('input[name=kind]:checked').value; }

function showKind() {
  for (const d of document.querySelectorAll('#enroll-form [data-kind]')) d.hidden = d.dataset.kind !== kind();
}

async function enroll(ev) {
  ev.preventDefault();
  fail('');
  const k = kind();
  const body = { owner: $('#enroll-owner').value, credential: { kind: k } };
  try {
    if (k === 'secret-file') {
      body.id = $('#enroll-id').value;
      const file = $('#enroll-file').files[0];
      if (!file) throw Object.assign(new Error('credential.content: choose the secret file'), { field: 'credential.content' });
      const bytes = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      bytes.forEach((b) => { bin += String.fromCharCode(b); });
      body.credential.content = btoa(bin);
    } else if (k === 'zigbee-install-code') {
      body.credential.ieee = $('#enroll-ieee').value;
      body.credential.installCode = $('#enroll-code').value;
    } else {
      body.credential.text = $('#enroll-qr').value;
    }
    const t = await api('POST', '/api/things', body);
    $('#enroll-form').reset();
    showKind();
    say(`Enrolled ${t.id}`);
    location.hash = '#/thing/' + encodeURIComponent(t.id);
  } catch (e) {
    fail(e.message);
    const field = { id: '#enroll-id', owner: '#enroll-owner', 'credential.content': '#enroll-file',
      'credential.ieee': '#enroll-ieee', 'credential.installCode': '#enroll-code', 'credential.text': '#enroll-qr' }[e.field];
    if (field) $(field).focus();
  }
}

// ---- events
function eventText(e) {
  if (e.kind === 'lifecycle') return `${e.thing}: ${e.type}${e.from ? ' ' + e.from + ' → ' + e.to : ''}`;
  if (e.kind === 'keys') return `${e.thing}: keys ${e.type.toLowerCase()}${e.layer ? ' ' + e.layer : ''}${e.generation ? ' generation ' + e.generation : ''}`;
  if (e.type === 'PROPERTY_CHANGED') return `${e.thing}: ${e.property} = ${e.value}${e.unit ? ' ' + e.unit : ''} (${e.quality})`;
  return `${e.thing}: ${e.type.toLowerCase().replace(/_/g, ' ')}${e.available !== undefined ? ' ' + e.available : ''}`;
}

const seen = new Set();
function addEvent(e) {
  if (seen.has(e.seq)) return;
  seen.add(e.seq);
  const list = $('#events');
  list.prepend(el('li', { 'data-kind': e.kind }, el('time', {}, e.time), eventText(e)));
  while (list.children.length > 300) list.lastChild.remove();
}

async function loadEvents() {
  (await api('GET', '/api/events/recent')).forEach(addEvent);
}

function connectEvents() {
  if (events) return;
  events = new EventSource('/api/events');
  const on = (ev) => {
    const e = JSON.parse(ev.data);
    addEvent(e);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (!$('#view-topology').hidden) loadTopology().catch((x) => fail(x.message));
      else if (!$('#view-thing').hidden && (!e.thing || e.thing === current)) loadThing().catch((x) => fail(x.message));
    }, 250);
  };
  for (const k of ['lifecycle', 'keys', 'model']) events.addEventListener(k, on);
  events.onopen = () => { $('#events-state').textContent = 'Live.'; document.body.dataset.live = 'true'; };
  events.onerror = () => { $('#events-state').textContent = 'Reconnecting…'; document.body.dataset.live = 'false'; };
}

// ---- start
$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  fail('');
  try {
    const s = await api('POST', '/api/login', { user: $('#login-user').value, password: $('#login-password').value });
    $('#login-password').value = '';
    await loggedIn(s);
    $('#main').focus();
  } catch (e) { fail(e.message); }
});
$('#logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout', {}); } catch (e) { /* the session is gone either way */ }
  showLogin();
});
$('#enroll-form').addEventListener('submit', enroll);
for (const r of document.querySelectorAll('input[name=kind]')) r.addEventListener('change', showKind);
window.addEventListener('hashchange', () => { say(''); route(); });

// The console's one-time setup link (#setup=TOKEN): the token leaves the address bar and history at once.
const setupMatch = location.hash.match(/^#setup=([A-Za-z0-9_-]{20,100})$/);
let setupToken = setupMatch ? setupMatch[1] : null;
if (setupToken) history.replaceState(null, '', location.pathname + '#/topology');
$('#setup-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  fail('');
  if ($('#setup-password').value !== $('#setup-repeat').value) { fail('The passwords differ.'); return; }
  try {
    const s = await api('POST', '/api/setup', { token: setupToken, user: $('#setup-user').value,
      password: $('#setup-password').value });
    setupToken = null;
    $('#setup-password').value = '';
    $('#setup-repeat').value = '';
    await loggedIn(s);
    say(`Admin account ${s.user} created: it logs in like any Karaf account from now on.`);
    $('#main').focus();
  } catch (e) { fail(e.message); }
});

if (setupToken) { show('setup'); $('#setup-user').focus(); }
else api('GET', '/api/session').then(loggedIn).catch(() => showLogin());

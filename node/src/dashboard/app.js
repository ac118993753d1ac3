// The nightshift dashboard: reads the node's HTTP API, draws one target at a time, and
// follows /api/v1/events to update without a reload. Plain DOM, no framework; text is
// always set as text (never parsed as HTML), since entries carry their authors' words.

const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

const state = {
  targets: [],
  /** The id (hex) of the target shown. */
  current: null,
  chain: null,
  /** Entry hashes already drawn, so that new ones can be marked as they arrive. */
  seen: new Set(),
  /** Entry hashes whose diff row is open. */
  open: new Set(),
};

// ---------- helpers ----------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body?.error?.message ?? `${response.status} ${path}`);
  }
  return response.json();
}

const short = (hex) => (hex ? hex.slice(0, 12) : '');
const shortPeer = (peerId) => (peerId.length > 10 ? `…${peerId.slice(-8)}` : peerId);

function formatMetric(value) {
  if (value === null || value === undefined) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e6)) return value.toExponential(3);
  return Number(value.toPrecision(6)).toString();
}

function formatChange(change) {
  if (change === null || change === undefined) return '';
  return `${change > 0 ? '+' : change < 0 ? '−' : '±'}${formatMetric(Math.abs(change))}`;
}

function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function ago(ms) {
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

function timeEl(ms) {
  return el(
    'time',
    { datetime: new Date(ms).toISOString(), title: new Date(ms).toLocaleString() },
    ago(ms),
  );
}

/** Runs `fn` once after calls stop for `ms`: a burst of events costs one reload. */
function debounce(fn, ms = 150) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => fn().catch(report), ms);
  };
}

function report(err) {
  // A failed read is shown in the status pill; the next event or reconnect retries.
  $('live').textContent = `error: ${err.message}`;
  $('live').dataset.state = 'offline';
}

// ---------- targets ----------

async function loadTargets() {
  const { targets } = await api('/api/v1/targets');
  state.targets = targets;
  const wanted = location.hash.match(/^#\/t\/([0-9a-f]{64})/)?.[1];
  if (wanted && targets.some((t) => t.id === wanted)) state.current = wanted;
  if (!state.current || !targets.some((t) => t.id === state.current)) {
    state.current = targets[0]?.id ?? null;
  }
  const nav = $('targets');
  nav.replaceChildren(
    ...targets.map((t) =>
      el('a', {
        href: `#/t/${t.id}`,
        text: t.name,
        title: t.id,
        'aria-current': t.id === state.current ? 'page' : undefined,
        'data-target': t.id,
      }),
    ),
  );
  $('empty').hidden = targets.length > 0;
  $('target').hidden = targets.length === 0;
}

function currentTarget() {
  return state.targets.find((t) => t.id === state.current);
}

function renderTitle() {
  const t = currentTarget();
  if (!t) return;
  document.title = `${t.name} · nightshift`;
  $('target-name').textContent = t.name;
  $('target-description').textContent = t.description;
  $('metric-name').textContent =
    `${t.metric.name} (${t.metric.direction === 'minimize' ? 'lower' : 'higher'} is better)`;
  $('log-metric').textContent = t.metric.name;
  $('quorum').textContent = `${t.quorum} of ${t.verifiers.length}`;
}

// ---------- the chain: facts, plot, log ----------

async function loadChain() {
  if (!state.current) return;
  const chain = await api(`/api/v1/targets/${state.current}/chain`);
  if (chain.target !== state.current) return;
  state.chain = chain;
  renderFacts(chain);
  renderPlot(chain);
  renderLog(chain);
}

function renderFacts(chain) {
  const head = chain.canonical.at(-1);
  const link = $('head-hash');
  link.disabled = !head;
  link.textContent = head ? short(head.hash) : '–';
  link.title = head?.hash ?? '';
  link.dataset.hash = head?.hash ?? '';
  $('head-height').textContent = head ? String(head.height) : '–';
  $('head-metric').textContent = head ? formatMetric(head.metric) : '–';
  const base = chain.canonical[0];
  const gain = head && base && head !== base ? head.metric - base.metric : null;
  $('gain').textContent = gain === null ? '–' : formatChange(gain);
  $('gain').className = gain === null ? '' : isBetter(gain, chain.direction) ? 'better' : 'worse';
}

const isBetter = (change, direction) => (direction === 'minimize' ? change < 0 : change > 0);

/** A time axis label as precise as the span it covers needs. */
function tickLabel(date, span) {
  if (span > 86_400_000) return date.toLocaleDateString();
  if (span > 3_600_000) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function renderPlot(chain) {
  const box = $('plot');
  const width = Math.max(320, box.clientWidth || 900);
  const height = 260;
  const pad = { left: 64, right: 18, top: 14, bottom: 28 };
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': 'metric over time',
  });
  const all = [...chain.canonical, ...chain.orphans];
  if (all.length === 0) {
    const note = svg('text', {
      x: width / 2,
      y: height / 2,
      'text-anchor': 'middle',
      class: 'empty-note',
    });
    note.textContent = 'no entries yet: the baseline becomes entry 0 once verified';
    root.append(note);
    box.replaceChildren(root);
    return;
  }
  const times = all.map((e) => e.time);
  const metrics = all.map((e) => e.metric);
  let [t0, t1] = [Math.min(...times), Math.max(...times)];
  if (t1 - t0 < 1000) [t0, t1] = [t0 - 30_000, t1 + 30_000];
  let [m0, m1] = [Math.min(...metrics), Math.max(...metrics)];
  const spread = m1 - m0 || Math.abs(m1) * 0.05 || 1;
  [m0, m1] = [m0 - spread * 0.08, m1 + spread * 0.08];
  const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (m) => pad.top + (1 - (m - m0) / (m1 - m0)) * (height - pad.top - pad.bottom);

  for (let i = 0; i <= 4; i++) {
    const m = m0 + ((m1 - m0) * i) / 4;
    root.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: y(m), y2: y(m), class: 'grid-line' }),
    );
    const label = svg('text', {
      x: pad.left - 8,
      y: y(m) + 4,
      'text-anchor': 'end',
      class: 'tick',
    });
    label.textContent = formatMetric(m);
    root.append(label);
  }
  for (let i = 0; i <= 3; i++) {
    const t = t0 + ((t1 - t0) * i) / 3;
    const label = svg('text', {
      x: x(t),
      y: height - 8,
      'text-anchor': i === 0 ? 'start' : i === 3 ? 'end' : 'middle',
      class: 'tick',
    });
    const d = new Date(t);
    label.textContent = tickLabel(d, t1 - t0);
    root.append(label);
  }
  root.append(
    svg('line', {
      x1: pad.left,
      x2: pad.left,
      y1: pad.top,
      y2: height - pad.bottom,
      class: 'axis',
    }),
  );

  // The canonical metric holds from one entry to the next: a step line, extended to now.
  const canonical = chain.canonical;
  if (canonical.length > 0) {
    let d = `M ${x(canonical[0].time)} ${y(canonical[0].metric)}`;
    for (let i = 1; i < canonical.length; i++) {
      d += ` H ${x(canonical[i].time)} V ${y(canonical[i].metric)}`;
    }
    d += ` H ${x(t1)}`;
    root.append(svg('path', { d, class: 'line' }));
  }
  const point = (entry, kind) => {
    const c = svg('circle', {
      cx: x(entry.time),
      cy: y(entry.metric),
      r: kind === 'head' ? 5.5 : 4.5,
      class: `point ${kind}`,
      'data-hash': entry.hash,
      'data-testid': 'plot-point',
      'data-canonical': entry.canonical,
      tabindex: 0,
    });
    const title = svg('title');
    title.textContent = `#${entry.height} ${short(entry.hash)}  ${formatMetric(entry.metric)}${entry.canonical ? '' : ' (orphaned)'}\n${entry.description}`;
    c.append(title);
    c.addEventListener('click', () => openEntry(entry.hash, true));
    return c;
  };
  for (const entry of chain.orphans) root.append(point(entry, 'orphan'));
  canonical.forEach((entry, i) => {
    root.append(point(entry, i === canonical.length - 1 ? 'head' : 'canonical'));
  });
  box.replaceChildren(root);
}

function renderLog(chain) {
  const rows = [...chain.canonical].reverse();
  const firstLoad = state.seen.size === 0;
  const body = $('log-rows');
  const out = [];
  for (const entry of rows) {
    const fresh = !firstLoad && !state.seen.has(entry.hash);
    state.seen.add(entry.hash);
    const changeClass = entry.improved === null ? '' : entry.improved ? 'better' : 'worse';
    const tr = el(
      'tr',
      {
        class: `entry${fresh ? ' fresh' : ''}${state.open.has(entry.hash) ? ' open' : ''}`,
        'data-hash': entry.hash,
        'data-testid': 'log-row',
        onclick: () => toggleDiff(entry.hash),
      },
      el('td', { class: 'num' }, String(entry.height)),
      el('td', { class: 'mono', title: entry.hash }, short(entry.hash)),
      el('td', { class: 'num' }, formatMetric(entry.metric)),
      el('td', { class: `num ${changeClass}` }, formatChange(entry.change)),
      el('td', { class: 'mono', title: entry.author.peerId }, shortPeer(entry.author.peerId)),
      el(
        'td',
        {},
        entry.verifiers.map((v) =>
          el(
            'span',
            { class: 'chip', title: `${v.peerId} measured ${formatMetric(v.metric)}` },
            shortPeer(v.peerId).slice(-4),
          ),
        ),
      ),
      el('td', { class: 'desc', title: entry.description }, entry.description),
      el('td', { class: 'num' }, formatSeconds(entry.effort.seconds)),
      el('td', {}, timeEl(entry.time)),
    );
    out.push(tr);
    if (state.open.has(entry.hash)) out.push(diffRow(entry.hash));
  }
  body.replaceChildren(...out);
  const orphans = chain.orphans.length;
  $('log-count').textContent =
    `${chain.canonical.length} entries${orphans ? `, ${orphans} orphaned` : ''}`;
}

// ---------- an entry's diff against its parent ----------

const diffs = new Map();

function toggleDiff(hash) {
  if (state.open.has(hash)) state.open.delete(hash);
  else state.open.add(hash);
  if (state.chain) renderLog(state.chain);
}

function openEntry(hash, scroll) {
  state.open.add(hash);
  if (state.chain) renderLog(state.chain);
  const row = document.querySelector(`tr.entry[data-hash="${hash}"]`);
  if (scroll && row) row.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function diffRow(hash) {
  const cell = el('td', { colspan: 9 }, el('div', { class: 'diff note' }, 'loading the diff…'));
  const row = el('tr', { class: 'diff-row', 'data-testid': 'diff', 'data-hash': hash }, cell);
  const cached = diffs.get(hash);
  const fill = (detail) => cell.replaceChildren(renderDiff(detail));
  if (cached) fill(cached);
  else {
    api(`/api/v1/entries/${hash}`)
      .then((detail) => {
        diffs.set(hash, detail);
        fill(detail);
      })
      .catch((err) => cell.replaceChildren(el('div', { class: 'diff note' }, err.message)));
  }
  return row;
}

const NO_DIFF = {
  binary: 'binary file',
  too_large: 'too large to show',
  blob_missing: 'contents not fetched yet',
  mode_only: 'mode changed',
};

function renderDiff({ entry, diff }) {
  const box = el('div', { class: 'diff' });
  if (diff.missingTrees.length > 0) {
    box.append(
      el('div', { class: 'note' }, 'this node has not fetched the files of this entry yet'),
    );
    return box;
  }
  if (entry.height === 0) {
    box.append(el('div', { class: 'note' }, `the baseline: ${diff.files.length} files`));
    return box;
  }
  if (diff.files.length === 0) box.append(el('div', { class: 'note' }, 'no file changed'));
  for (const file of diff.files) {
    const sizes = `${file.old?.size ?? 0} → ${file.new?.size ?? 0} bytes`;
    box.append(
      el(
        'div',
        { class: 'file' },
        el('strong', {}, file.path),
        el('span', { class: 'muted' }, `${file.status}, ${sizes}`),
      ),
    );
    if (file.diff) {
      const pre = el('pre');
      for (const line of file.diff.split('\n')) {
        if (line.startsWith('---') || line.startsWith('+++') || line === '') continue;
        const kind = line.startsWith('@@')
          ? 'hunk'
          : line.startsWith('+')
            ? 'add'
            : line.startsWith('-')
              ? 'del'
              : '';
        pre.append(el('span', { class: kind }, line));
      }
      box.append(pre);
    } else if (file.noDiff) {
      box.append(el('div', { class: 'note' }, NO_DIFF[file.noDiff] ?? file.noDiff));
    }
  }
  return box;
}

// ---------- queue, rejections, contributors, peers ----------

function none(text) {
  return el('li', { class: 'none' }, text);
}

async function loadCandidates() {
  if (!state.current) return;
  const base = `/api/v1/targets/${state.current}/candidates`;
  const [pending, verifying, rejected] = await Promise.all([
    api(`${base}?status=pending&limit=50`),
    api(`${base}?status=verifying&limit=10`),
    api(`${base}?status=rejected&limit=15`),
  ]);
  const queue = [...verifying.candidates, ...pending.candidates];
  $('queue').replaceChildren(
    ...(queue.length === 0
      ? [none('nothing waiting for verification')]
      : queue.map((c) =>
          el(
            'li',
            { 'data-candidate': c.id },
            el(
              'span',
              { class: 'what', title: c.description },
              el('span', { class: `chip status-${c.status}` }, c.status),
              ' ',
              c.description || short(c.id),
            ),
            el('span', { class: 'mono' }, `claims ${formatMetric(c.claim)}`),
          ),
        )),
  );
  $('rejections').replaceChildren(
    ...(rejected.candidates.length === 0
      ? [none('no rejected candidates')]
      : rejected.candidates.map((c) =>
          el(
            'li',
            { 'data-candidate': c.id },
            el(
              'span',
              { class: 'what', title: `${c.description}\nby ${c.author.peerId}` },
              el('span', { class: 'chip reason' }, c.reason || 'rejected'),
              ' ',
              c.description || short(c.id),
            ),
            timeEl(c.updatedAt),
          ),
        )),
  );
}

async function loadBoard() {
  if (!state.current) return;
  const { contributors } = await api(`/api/v1/targets/${state.current}/leaderboard`);
  $('board-rows').replaceChildren(
    ...contributors.map((c) =>
      el(
        'tr',
        { 'data-author': c.author.key },
        el('td', { class: 'mono', title: c.author.peerId }, shortPeer(c.author.peerId)),
        el('td', { class: 'num' }, String(c.improvements)),
        el('td', { class: 'num' }, formatSeconds(c.compute)),
        el('td', { class: 'num' }, formatMetric(c.best)),
      ),
    ),
  );
}

async function loadPeers() {
  const { peers } = await api('/api/v1/peers');
  $('peer-count').textContent = `${peers.length} connected`;
  $('peers').replaceChildren(
    ...(peers.length === 0
      ? [none('no peers connected')]
      : peers.map((p) =>
          el(
            'li',
            { 'data-peer': p.peerId },
            el('span', { class: 'what', title: p.peerId }, p.peerId),
            el('span', { class: 'muted' }, p.address.split('/p2p/')[0]),
          ),
        )),
  );
}

async function loadNode() {
  const node = await api('/api/v1/node');
  $('node').textContent = shortPeer(node.peerId);
  $('node').title = `this node: ${node.peerId} (nightshift ${node.version})`;
}

// ---------- live updates ----------

const ACTIVITY_LIMIT = 60;

function describe(event) {
  switch (event.type) {
    case 'head':
      return `new head ${short(event.head)} at height ${event.height}: ${formatMetric(event.metric)}${event.reorg ? ' (reorg)' : ''}`;
    case 'entry':
      return event.headChanged ? null : `entry ${short(event.hash)} stored off the canonical chain`;
    case 'target':
      return `new target ${event.name}`;
    case 'candidate':
      return `candidate ${short(event.id)} claims ${formatMetric(event.claim)}: ${event.description}`;
    case 'attestation':
      return `verifier ${short(event.verifier)} ${event.verdict}s ${short(event.candidate)} (${event.reason})`;
    case 'verifier':
      return event.event === 'dropped'
        ? `dropped ${short(event.candidate)}: ${event.reason}`
        : null;
    case 'worker':
      return event.event === 'experiment' ? null : `worker: ${event.event}`;
    case 'peer:connect':
      return `connected to ${shortPeer(event.peerId)}`;
    case 'peer:disconnect':
      return `disconnected from ${shortPeer(event.peerId)}`;
    default:
      return null;
  }
}

function addActivity(event) {
  const text = describe(event);
  if (!text) return;
  const list = $('activity');
  list.prepend(
    el(
      'li',
      { 'data-type': event.type },
      el('time', {}, new Date(event.at).toLocaleTimeString()),
      el('span', {}, text),
    ),
  );
  while (list.children.length > ACTIVITY_LIMIT) list.lastElementChild.remove();
}

const reloadChain = debounce(async () => {
  await loadTargets();
  renderTitle();
  await Promise.all([loadChain(), loadBoard()]);
});
const reloadCandidates = debounce(loadCandidates, 300);
const reloadPeers = debounce(loadPeers, 300);

function follow() {
  const source = new EventSource('/api/v1/events');
  const live = $('live');
  let dropped = false;
  source.addEventListener('open', () => {
    live.textContent = 'live';
    live.dataset.state = 'live';
    // Events sent while the stream was down are not replayed: read everything again.
    if (dropped) refreshAll().catch(report);
    dropped = false;
  });
  source.addEventListener('error', () => {
    dropped = true;
    live.textContent = 'reconnecting';
    live.dataset.state = 'offline';
  });
  const on = (type, handler) =>
    source.addEventListener(type, (message) => {
      const event = JSON.parse(message.data);
      addActivity(event);
      handler(event);
    });
  const forCurrent = (fn) => (event) => {
    if (!state.current || event.target === state.current) fn();
  };
  on('head', forCurrent(reloadChain));
  on('entry', forCurrent(reloadChain));
  on('target', reloadChain);
  on('candidate', forCurrent(reloadCandidates));
  on('attestation', forCurrent(reloadCandidates));
  on('verifier', reloadCandidates);
  on('commitment', () => {});
  on('worker', () => {});
  on('peer:connect', reloadPeers);
  on('peer:disconnect', reloadPeers);
}

async function refreshAll() {
  await loadTargets();
  renderTitle();
  await Promise.all([loadChain(), loadCandidates(), loadBoard(), loadPeers(), loadNode()]);
}

// ---------- start ----------

function setupTheme() {
  const saved = localStorage.getItem('nightshift-theme');
  if (saved) document.documentElement.dataset.theme = saved;
  $('theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('nightshift-theme', next);
  });
}

window.addEventListener('hashchange', () => {
  state.seen.clear();
  state.open.clear();
  state.chain = null;
  refreshAll().catch(report);
});
window.addEventListener(
  'resize',
  debounce(async () => state.chain && renderPlot(state.chain), 200),
);
$('head-hash').addEventListener('click', (event) => {
  event.preventDefault();
  const hash = event.currentTarget.dataset.hash;
  if (hash) openEntry(hash, true);
});

setupTheme();
follow();
refreshAll()
  .then(() => document.body.setAttribute('data-ready', ''))
  .catch(report);

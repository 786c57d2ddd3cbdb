// The gc-serve demo page: lists the served models (GET /v2, GET /v2/models/{name}: each model's
// `generate` says whether it takes a label map or an image, and at what size), sets up the pad the
// model takes (label-pad.js, photo-pad.js) and sends the pad after every change (transport.js);
// shows the latest answer with the time from the change to the image, the FPS and the provider.
import { LabelPad } from './label-pad.js';
import { PhotoPad } from './photo-pad.js';
import { HttpTransport, StreamTransport } from './transport.js';

const $ = (id) => document.getElementById(id);
const DEFAULT_SIZE = 256; // for a model whose generate takes any size
const state = { token: sessionStorage.getItem('gc-token') ?? '', pad: undefined, transport: undefined, model: undefined };
const frames = new Map(); // frame number -> time of the last change it holds
const shownAt = []; // times of the last answers shown (FPS over the last 2 s)
let providerName = '–';

function setStatus(text) {
  $('status').textContent = text;
}

function showError(text) {
  $('error').textContent = text;
}

async function api(path) {
  const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
  const res = await fetch(path, { headers });
  if (res.status === 401) {
    $('token-form').hidden = false;
    throw new Error('the daemon asks for a bearer token: enter it above');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(`${body.error ?? res.status}${body.hint ? ` (${body.hint})` : ''}`);
  return body;
}

async function listModels() {
  let server = await api('/v2');
  while (server.models.some((m) => m.state === 'loading')) {
    setStatus(`Waiting for ${server.models.filter((m) => m.state === 'loading').map((m) => m.name).join(', ')} to load…`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    server = await api('/v2');
  }
  const select = $('model');
  select.replaceChildren();
  const describe = (m) => api(`/v2/models/${encodeURIComponent(m.name)}`).catch(() => ({ name: m.name, generate: null, state: m.state }));
  const described = await Promise.all(server.models.map(describe));
  for (const m of described) {
    const why = m.state === 'ready' ? 'tensors only: use /infer' : m.state;
    const option = new Option(m.generate ? `${m.name} (${m.generate.takes})` : `${m.name} (${why})`, m.name);
    option.disabled = !m.generate;
    option.model = m;
    select.add(option);
  }
  const first = [...select.options].find((o) => !o.disabled);
  if (!first) {
    setStatus('No served model takes an image or a label map on generate.');
    return;
  }
  const wanted = new URLSearchParams(location.search).get('model');
  const chosen = [...select.options].find((o) => o.value === wanted && !o.disabled) ?? first;
  select.value = chosen.value;
  await choose(chosen.model);
}

async function paletteClasses(g) {
  const palette = await api(`/v1/palettes/${encodeURIComponent(g.palette)}`);
  const seen = new Set();
  const classes = [];
  for (const e of palette.entries) {
    const key = e.color.join(',');
    if (e.id < 0 || e.id >= g.labelClasses || seen.has(key)) continue;
    seen.add(key);
    classes.push(e);
  }
  return { classes, entries: palette.entries };
}

async function choose(model) {
  state.transport?.close();
  stopWebcam();
  frames.clear();
  shownAt.length = 0;
  state.model = model;
  const g = model.generate;
  const width = g.width ?? DEFAULT_SIZE;
  const height = g.height ?? DEFAULT_SIZE;
  document.body.dataset.mode = g.takes === 'label-map' ? 'label' : 'photo';
  providerName = model.provider ?? '–';
  $('provider').textContent = providerName;
  if (g.takes === 'label-map') {
    const { classes, entries } = await paletteClasses(g);
    state.pad = new LabelPad($('pad'), width, height, classes, entries);
    const cls = $('cls');
    cls.replaceChildren(...classes.map((c) => new Option(`${c.id} ${c.name ?? ''}`.trim(), String(c.id))));
    cls.value = classes.some((c) => c.id === 26) ? '26' : String(classes[0].id); // car
    showSwatch();
    $('about').textContent =
      `Paint a ${width}x${height} label map in the ${g.palette} palette (${g.labelClasses} classes); it is sent as class ids.`;
  } else {
    state.pad = new PhotoPad($('pad'), width, height);
    $('about').textContent = `Sketch, upload an image or use the webcam; the model takes ${width}x${height} images (${g.sizes}).`;
  }
  $('brush').value = g.takes === 'label-map' ? '24' : '4';
  $('brush-size').textContent = $('brush').value;
  $('out').width = width;
  $('out').height = height;
  // `?transport=http` compares the two (scripts/demo-latency.js); a token needs HTTP (no headers on a WebSocket)
  const http = state.token || new URLSearchParams(location.search).get('transport') === 'http';
  state.transport = http ? new HttpTransport(model.name, state.token, onAnswer) : new StreamTransport(model.name, onAnswer);
  $('transport').textContent = state.transport.name;
  try {
    await state.transport.opened;
  } catch {
    state.transport = new HttpTransport(model.name, state.token, onAnswer);
    $('transport').textContent = state.transport.name;
  }
  setStatus(`${model.name}: ready. Draw on the pad.`);
  document.body.dataset.ready = 'true';
  changed();
}

function showSwatch() {
  const pad = state.pad;
  const c = pad.classes.find((e) => String(e.id) === $('cls').value);
  if (c) $('swatch').style.background = `rgb(${c.color.join(',')})`;
}

// --- sending: at most one encode per animation frame; the frame remembers its last change ---
let dirtySince;
let encoding = false;
document.body.dataset.sent = '0';
document.body.dataset.shown = '0';

function changed() {
  dirtySince = performance.now();
  document.body.dataset.idle = 'false';
  document.body.dataset.unsent = 'true'; // until the change has gone out
  requestAnimationFrame(flush);
}

async function flush() {
  if (encoding || dirtySince === undefined || !state.transport) return;
  encoding = true;
  const changeAt = dirtySince;
  dirtySince = undefined;
  try {
    const blob = await state.pad.encode();
    state.lastInput = blob;
    const frame = state.transport.send(blob);
    frames.set(frame, changeAt);
    document.body.dataset.sent = String(frame);
  } finally {
    encoding = false;
  }
  if (dirtySince !== undefined) requestAnimationFrame(flush);
  else document.body.dataset.unsent = 'false';
}

async function onAnswer(a) {
  const changeAt = frames.get(a.frame);
  for (const n of frames.keys()) if (n <= a.frame) frames.delete(n);
  $('dropped').textContent = String(Number($('dropped').textContent) + (a.dropped ?? 0));
  if (a.error !== undefined) {
    showError(`frame ${a.frame}: ${a.error}${a.hint ? ` (${a.hint})` : ''} [${a.code}]`);
  } else {
    showError('');
    const out = $('out');
    const old = out.src;
    out.src = URL.createObjectURL(a.blob);
    await out.decode().catch(() => undefined);
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
    out.alt = `The generated image for the pad's frame ${a.frame}`;
    const now = performance.now();
    if (changeAt !== undefined) {
      $('latency').textContent = `${(now - changeAt).toFixed(0)} ms`;
      document.body.dataset.latencyMs = (now - changeAt).toFixed(1);
    }
    shownAt.push(now);
    document.body.dataset.answers = String(Number(document.body.dataset.answers ?? 0) + 1);
    while (shownAt.length > 0 && shownAt[0] < now - 2000) shownAt.shift();
    $('fps').textContent = shownAt.length > 1 ? ((shownAt.length - 1) / ((now - shownAt[0]) / 1000)).toFixed(1) : '–';
    if (a.ms) {
      const stages = Object.entries(a.ms).map(([k, v]) => `${k} ${Number(v).toFixed(1)}`).join(', ');
      $('server-ms').textContent = `${((a.ms.queue ?? 0) + (a.ms.inference ?? 0)).toFixed(0)} ms (${stages})`;
      document.body.dataset.serverMs = Object.values(a.ms).reduce((x, y) => x + Number(y), 0).toFixed(1);
    }
    if (a.provider) providerName = a.provider;
    $('provider').textContent = providerName;
  }
  document.body.dataset.shown = String(a.frame);
  document.body.dataset.idle = String(a.frame === state.transport?.sent && dirtySince === undefined && !encoding);
}

// --- drawing: pointer and keyboard ---
const pad = $('pad');
let last;
let cursor = { x: 0, y: 0 };
let penDown = false;

function brush() {
  return Number($('brush').value) * (state.pad ? state.pad.width / 256 : 1);
}

function paint(x0, y0, x1, y1) {
  const p = state.pad;
  if (p.kind === 'label') p.line(x0, y0, x1, y1, brush(), Number($('cls').value));
  else p.line(x0, y0, x1, y1, brush(), $('pen').value === 'eraser');
  changed();
}

function toPad(ev) {
  const r = pad.getBoundingClientRect();
  return { x: ((ev.clientX - r.left) / r.width) * state.pad.width, y: ((ev.clientY - r.top) / r.height) * state.pad.height };
}

pad.addEventListener('pointerdown', (ev) => {
  if (!state.pad) return;
  pad.setPointerCapture(ev.pointerId);
  const at = toPad(ev);
  state.pad.snapshot();
  if (state.pad.kind === 'label' && $('fill').checked) {
    state.pad.fill(at.x, at.y, Number($('cls').value));
    changed();
    return;
  }
  last = at;
  paint(at.x, at.y, at.x, at.y);
});
pad.addEventListener('pointermove', (ev) => {
  if (!last) return;
  const at = toPad(ev);
  paint(last.x, last.y, at.x, at.y);
  last = at;
});
for (const type of ['pointerup', 'pointercancel']) pad.addEventListener(type, () => (last = undefined));

pad.addEventListener('keydown', (ev) => {
  if (!state.pad) return;
  const step = Math.max(1, Math.round(brush() / 2));
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  const key = ev.key;
  if (moves[key]) {
    const from = { ...cursor };
    cursor = {
      x: Math.min(state.pad.width - 1, Math.max(0, cursor.x + moves[key][0])),
      y: Math.min(state.pad.height - 1, Math.max(0, cursor.y + moves[key][1])),
    };
    if (penDown) paint(from.x, from.y, cursor.x, cursor.y);
  } else if (key === ' ' || key === 'Enter') {
    state.pad.snapshot();
    paint(cursor.x, cursor.y, cursor.x, cursor.y);
  } else if (key === 'p' || key === 'P') {
    penDown = !penDown;
    if (penDown) state.pad.snapshot();
  } else if ((key === 'f' || key === 'F') && state.pad.kind === 'label') {
    state.pad.snapshot();
    state.pad.fill(cursor.x, cursor.y, Number($('cls').value));
    changed();
  } else if (key === 'z' && (ev.ctrlKey || ev.metaKey)) {
    if (state.pad.undo()) changed();
  } else {
    return;
  }
  ev.preventDefault();
  $('cursor').textContent = `Cursor at ${Math.round(cursor.x)}, ${Math.round(cursor.y)}${penDown ? ', pen down' : ''}.`;
});

// --- tools ---
$('brush').addEventListener('input', () => ($('brush-size').textContent = $('brush').value));
$('cls').addEventListener('change', showSwatch);
$('undo').addEventListener('click', () => state.pad?.undo() && changed());
$('clear').addEventListener('click', () => {
  state.pad?.clear();
  changed();
});
$('save').addEventListener('click', async () => {
  if (!state.pad) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await state.pad.encode());
  a.download = `${state.model.name}-${state.pad.kind === 'label' ? 'labels' : 'input'}.png`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});
$('load-label').addEventListener('change', async (ev) => {
  const file = ev.target.files?.[0];
  if (!file || state.pad?.kind !== 'label') return;
  try {
    await state.pad.load(file);
    changed();
  } catch (e) {
    showError(String(e.message ?? e));
  }
});
$('upload').addEventListener('change', async (ev) => {
  const file = ev.target.files?.[0];
  if (!file || state.pad?.kind !== 'photo') return;
  try {
    state.pad.snapshot();
    state.pad.draw(await createImageBitmap(file));
    changed();
  } catch (e) {
    showError(`${file.name}: ${e.message ?? e}`);
  }
});

let camera;
function stopWebcam() {
  camera?.getTracks().forEach((t) => t.stop());
  camera = undefined;
  $('webcam').setAttribute('aria-pressed', 'false');
}
$('webcam').addEventListener('click', async () => {
  if (camera) return stopWebcam();
  if (!navigator.mediaDevices?.getUserMedia) return showError('This browser gives no webcam to this page (it needs localhost or https).');
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: true });
  } catch (e) {
    return showError(`webcam: ${e.message ?? e}`);
  }
  $('webcam').setAttribute('aria-pressed', 'true');
  const video = $('camera');
  video.srcObject = camera;
  await video.play();
  const tick = () => {
    if (!camera || state.pad?.kind !== 'photo') return;
    state.pad.draw(video);
    changed();
    video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
});

$('model').addEventListener('change', (ev) => {
  const option = ev.target.selectedOptions[0];
  if (option?.model) choose(option.model).catch((e) => showError(String(e.message ?? e)));
});
$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.token = $('token').value;
  sessionStorage.setItem('gc-token', state.token);
  $('token-form').hidden = true;
  listModels().catch((e) => setStatus(String(e.message ?? e)));
});

listModels().catch((e) => setStatus(String(e.message ?? e)));

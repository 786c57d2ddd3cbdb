// How frames reach the model: the WebSocket stream (GET /v1/models/{name}/stream), where the daemon
// runs the latest frame and skips the ones that came while it was busy; or, with a bearer token (a
// browser cannot put one on a WebSocket), POST /v1/models/{name}/generate with one request in flight
// and only the latest frame waiting. Both call onAnswer({frame, blob, ms, provider, dropped}) or
// onAnswer({frame, error, code, hint}), frame numbers counting from 1 in sending order.

export class StreamTransport {
  constructor(model, onAnswer) {
    this.name = 'WebSocket';
    this.onAnswer = onAnswer;
    this.sent = 0;
    this.meta = undefined;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.socket = new WebSocket(`${scheme}://${location.host}/v1/models/${encodeURIComponent(model)}/stream`);
    this.socket.binaryType = 'blob';
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve());
      this.socket.addEventListener('error', () => reject(new Error('the WebSocket stream could not be opened')));
    });
    this.socket.addEventListener('message', (ev) => {
      if (typeof ev.data === 'string') {
        const meta = JSON.parse(ev.data);
        if (meta.error !== undefined) onAnswer(meta);
        else this.meta = meta;
        return;
      }
      const meta = this.meta;
      this.meta = undefined;
      if (meta) onAnswer({ ...meta, blob: new Blob([ev.data], { type: meta.mime }) });
    });
    this.socket.addEventListener('close', (ev) => {
      if (this.closing) return;
      onAnswer({ frame: this.sent, error: `the stream closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`, code: 'E_STREAM' });
    });
  }

  /** Sends a frame; returns its number. */
  send(blob) {
    this.sent += 1;
    this.socket.send(blob);
    return this.sent;
  }

  close() {
    this.closing = true;
    this.socket.close();
  }
}

export class HttpTransport {
  constructor(model, token, onAnswer) {
    this.name = 'HTTP (one request at a time)';
    this.url = `/v1/models/${encodeURIComponent(model)}/generate`;
    this.token = token;
    this.onAnswer = onAnswer;
    this.sent = 0;
    this.busy = false;
    this.waiting = undefined;
    this.skipped = 0;
    this.opened = Promise.resolve();
  }

  send(blob) {
    this.sent += 1;
    if (this.waiting) this.skipped += 1;
    this.waiting = { frame: this.sent, blob };
    if (!this.busy) void this.next();
    return this.sent;
  }

  async next() {
    this.busy = true;
    while (this.waiting && !this.closing) {
      const { frame, blob } = this.waiting;
      const dropped = this.skipped;
      this.waiting = undefined;
      this.skipped = 0;
      const headers = { 'content-type': blob.type || 'image/png', accept: 'image/png' };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      try {
        const res = await fetch(this.url, { method: 'POST', body: blob, headers });
        if (!res.ok) {
          const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
          this.onAnswer({ frame, dropped, ...body });
          continue;
        }
        const timing = (res.headers.get('server-timing') ?? '').split(',').map((s) => s.trim().split(';dur='));
        const ms = Object.fromEntries(timing.filter((p) => p.length === 2).map(([k, v]) => [k, Number(v)]));
        this.onAnswer({ frame, dropped, ms, provider: undefined, blob: await res.blob() });
      } catch (e) {
        this.onAnswer({ frame, dropped, error: String(e.message ?? e), code: 'E_NETWORK' });
      }
    }
    this.busy = false;
  }

  close() {
    this.closing = true;
  }
}

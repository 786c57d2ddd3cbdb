// The label-map pad: a map of class ids (the model's input, exactly) drawn on the canvas in the
// palette's colours, painted pixel by pixel (no anti-aliasing, which would make colours no class has).
import { greyPng, pixelsOf } from './png.js';

const UNDO_DEPTH = 30;

export class LabelPad {
  /** `classes`: [{id, name, color}] the model takes, one per colour (the first id of a shared colour). */
  constructor(canvas, width, height, classes, palette) {
    this.kind = 'label';
    this.canvas = canvas;
    this.width = width;
    this.height = height;
    this.classes = classes;
    this.ids = new Uint8Array(width * height);
    this.undoStack = [];
    this.colors = new Map(palette.map((e) => [e.id, e.color]));
    this.byColor = new Map();
    for (const e of classes) this.byColor.set(e.color.join(','), e.id);
    canvas.width = width;
    canvas.height = height;
    this.clear(false);
  }

  /** The starting scene: sky, buildings, a sidewalk and the road (Cityscapes ids where the model has them). */
  clear(undoable = true) {
    if (undoable) this.snapshot();
    const has = (id) => this.classes.some((c) => c.id === id);
    const pick = (id) => (has(id) ? id : this.classes[0].id);
    const { width: w, height: h, ids } = this;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let id = pick(7); // road
        if (y < h * 0.3) id = pick(23); // sky
        else if (y < h * 0.55) id = x < w * 0.55 ? pick(11) : pick(21); // building, vegetation
        else if (y < h * 0.62) id = pick(8); // sidewalk
        ids[y * w + x] = id;
      }
    }
    this.render();
  }

  snapshot() {
    this.undoStack.push(this.ids.slice());
    if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
  }

  undo() {
    const prev = this.undoStack.pop();
    if (!prev) return false;
    this.ids = prev;
    this.render();
    return true;
  }

  /** A round dab of `id`, `size` pixels across, centred at (cx, cy). */
  dab(cx, cy, size, id) {
    const r = size / 2;
    const { width: w, height: h, ids } = this;
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(h - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(w - 1, Math.ceil(cx + r)); x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r + 0.25) ids[y * w + x] = id;
      }
    }
  }

  /** A stroke segment from (x0, y0) to (x1, y1): dabs along it. */
  line(x0, y0, x1, y1, size, id) {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / Math.max(1, size / 4)));
    for (let i = 0; i <= steps; i++) this.dab(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, size, id);
    this.render();
  }

  /** Flood fill of the region of (x, y) with `id` (4-connected). */
  fill(x, y, id) {
    const { width: w, height: h, ids } = this;
    x = Math.floor(x);
    y = Math.floor(y);
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const from = ids[y * w + x];
    if (from === id) return;
    const stack = [y * w + x];
    while (stack.length > 0) {
      const i = stack.pop();
      if (ids[i] !== from) continue;
      ids[i] = id;
      const px = i % w;
      if (px > 0) stack.push(i - 1);
      if (px < w - 1) stack.push(i + 1);
      if (i >= w) stack.push(i - w);
      if (i < w * (h - 1)) stack.push(i + w);
    }
    this.render();
  }

  render() {
    const image = new ImageData(this.width, this.height);
    const d = image.data;
    for (let i = 0; i < this.ids.length; i++) {
      const c = this.colors.get(this.ids[i]) ?? [0, 0, 0];
      d[i * 4] = c[0];
      d[i * 4 + 1] = c[1];
      d[i * 4 + 2] = c[2];
      d[i * 4 + 3] = 255;
    }
    this.canvas.getContext('2d').putImageData(image, 0, 0);
  }

  /** The map as the model takes it: class ids in an 8-bit greyscale PNG. */
  encode() {
    return greyPng(this.ids, this.width, this.height);
  }

  /**
   * Loads a label PNG: greyscale class ids (every pixel grey and a class the model has), else
   * colours of the palette; resized to the pad with nearest neighbour. Throws naming what is wrong.
   */
  async load(file) {
    const px = await pixelsOf(file);
    const n = px.width * px.height;
    const known = new Set(this.classes.map((c) => c.id));
    let grey = true;
    for (let i = 0; i < n && grey; i++) {
      const [r, g, b] = [px.data[i * 4], px.data[i * 4 + 1], px.data[i * 4 + 2]];
      grey = r === g && g === b && known.has(r);
    }
    const source = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const [r, g, b] = [px.data[i * 4], px.data[i * 4 + 1], px.data[i * 4 + 2]];
      const id = grey ? r : this.byColor.get(`${r},${g},${b}`);
      if (id === undefined) {
        const at = `${i % px.width},${Math.floor(i / px.width)}`;
        const what = `the colour rgb(${r}, ${g}, ${b}) at ${at}`;
        throw new Error(`${file.name}: ${what} is no class of the palette, and the image is not greyscale class ids`);
      }
      source[i] = id;
    }
    this.snapshot();
    for (let y = 0; y < this.height; y++) {
      const sy = Math.min(px.height - 1, Math.floor(((y + 0.5) * px.height) / this.height));
      for (let x = 0; x < this.width; x++) {
        const sx = Math.min(px.width - 1, Math.floor(((x + 0.5) * px.width) / this.width));
        this.ids[y * this.width + x] = source[sy * px.width + sx];
      }
    }
    this.render();
  }
}

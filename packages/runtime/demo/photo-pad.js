// The photo pad: a white sketch pad (ink and eraser) for edges-to-image models, which also takes an
// uploaded image or the webcam's frames; what it shows is what is sent (a PNG of the canvas).
const UNDO_DEPTH = 30;

export class PhotoPad {
  constructor(canvas, width, height) {
    this.kind = 'photo';
    this.canvas = canvas;
    this.width = width;
    this.height = height;
    canvas.width = width;
    canvas.height = height;
    this.g = canvas.getContext('2d', { willReadFrequently: true });
    this.undoStack = [];
    this.clear(false);
  }

  clear(undoable = true) {
    if (undoable) this.snapshot();
    this.g.fillStyle = '#fff';
    this.g.fillRect(0, 0, this.width, this.height);
  }

  snapshot() {
    this.undoStack.push(this.g.getImageData(0, 0, this.width, this.height));
    if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
  }

  undo() {
    const prev = this.undoStack.pop();
    if (!prev) return false;
    this.g.putImageData(prev, 0, 0);
    return true;
  }

  /** A stroke segment; `eraser` paints white. */
  line(x0, y0, x1, y1, size, eraser) {
    const g = this.g;
    g.strokeStyle = eraser ? '#fff' : '#000';
    g.fillStyle = g.strokeStyle;
    g.lineWidth = size;
    g.lineCap = 'round';
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
  }

  dab(x, y, size, eraser) {
    this.line(x, y, x, y, size, eraser);
  }

  /** An image, video frame or bitmap stretched over the pad. */
  draw(source) {
    this.g.drawImage(source, 0, 0, this.width, this.height);
  }

  encode() {
    return new Promise((resolve, reject) => {
      this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded'))), 'image/png');
    });
  }
}

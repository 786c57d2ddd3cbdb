import { CITYSCAPES_PALETTE, parsePalette } from '../../src/label-map';
import { gcErrorOf } from '../../../../test/support/gc-error';

describe('palettes', () => {
  it('parses an entries list with [r, g, b] or #rrggbb colours', () => {
    const p = parsePalette([{ id: 0, name: 'road', color: [128, 64, 128] }, { id: 1, color: '#4682b4' }], 'mine.json');
    expect(p).toEqual({ name: 'mine.json', entries: [{ id: 0, name: 'road', color: [128, 64, 128] }, { id: 1, color: [70, 130, 180] }] });
  });

  it('parses the {name, entries} form', () => {
    expect(parsePalette({ name: 'ade', entries: [{ id: 3, color: [1, 2, 3] }] }, 'f').name).toBe('ade');
  });

  it('rejects bad colours, ids and unknown fields, naming the entry', () => {
    expect(gcErrorOf(() => parsePalette([{ id: 0, color: [256, 0, 0] }], 'p.json')).message).toContain(
      'p.json: entries[0].color is [256,0,0]',
    );
    expect(gcErrorOf(() => parsePalette([{ id: 1.5, color: [0, 0, 0] }], 'p.json')).message).toContain('entries[0].id is 1.5');
    expect(gcErrorOf(() => parsePalette([{ id: 1, colour: [0, 0, 0] }], 'p.json')).message).toContain(
      'unknown field "colour" (known: id, name, color)',
    );
    expect(gcErrorOf(() => parsePalette([], 'p.json')).code).toBe('E_LABEL_MAP');
  });

  it('Cityscapes: ids 0..33 once each, plus the license plate at -1 in car colour', () => {
    const ids = CITYSCAPES_PALETTE.entries.map((e) => e.id);
    expect(ids).toEqual([...Array.from({ length: 34 }, (_, i) => i), -1]);
    const car = CITYSCAPES_PALETTE.entries.find((e) => e.name === 'car')!;
    expect(CITYSCAPES_PALETTE.entries.find((e) => e.id === -1)).toEqual({ id: -1, name: 'license plate', color: car.color });
  });
});

/**
 * Decoded id maps -> the model input: size policy, class-id checks, one-hot, instance edges.
 * Pure and synchronous (no image decoding): `prepareLabelMap` in index.ts adds the PNG side.
 */
import { GcError } from '@gc-edge/core';
import { instanceEdges } from './edges';
import { resizeIdMapNearest } from './resize';
import { EDGE_RULES, LABEL_SIZE_POLICIES, type IdMap, type LabelMapInput, type LabelMapOptions } from './types';

/** Upstream's dontcare label value in label images. */
export const DONTCARE_ID = 255;
const LIST_AT_MOST = 5;

function argError(what: string, hint?: string): GcError {
  return new GcError('E_ARGS', `label map options: ${what}`, { hint });
}

function checkOptions(o: LabelMapOptions): void {
  if (!Number.isInteger(o.labelChannels) || o.labelChannels < 1 || o.labelChannels > DONTCARE_ID) {
    throw argError(`'labelChannels' ${String(o.labelChannels)} is not an integer in 1..${DONTCARE_ID}`, 'Cityscapes: 35');
  }
  if (o.edges !== undefined && !EDGE_RULES.includes(o.edges)) {
    throw argError(`unknown edge rule "${String(o.edges)}". Should be one of: ${EDGE_RULES.join(', ')}`);
  }
  if (o.sizePolicy !== undefined && !LABEL_SIZE_POLICIES.includes(o.sizePolicy)) {
    throw argError(`unknown size policy "${String(o.sizePolicy)}". Should be one of: ${LABEL_SIZE_POLICIES.join(', ')}`);
  }
  if ((o.width === undefined) !== (o.height === undefined)) {
    throw argError(`give both width and height or neither (got width ${String(o.width)}, height ${String(o.height)})`);
  }
  for (const [k, v] of [['width', o.width], ['height', o.height]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw argError(`'${k}' ${String(v)} is not a positive integer`);
  }
}

/** Channels the options produce: classes (+ dontcare) (+ edges). */
export function labelInputChannels(o: LabelMapOptions): number {
  return o.labelChannels + (o.containDontcareLabel ? 1 : 0) + (o.noInstance ? 0 : 1);
}

function fitSize(map: IdMap, width: number, height: number, o: LabelMapOptions, what: string): IdMap {
  if (map.width === width && map.height === height) return map;
  if ((o.sizePolicy ?? 'refuse') === 'refuse') {
    throw new GcError('E_LABEL_MAP', `${what} is ${map.width}x${map.height} (width x height) but the model takes ${width}x${height}`, {
      hint: "pass sizePolicy 'resize' to resize it (nearest neighbour), or draw it at the model's size",
    });
  }
  return resizeIdMapNearest(map, width, height);
}

/** Class id -> channel index, with upstream's dontcare rule; throws on ids outside the classes. */
function channelIds(labels: IdMap, o: LabelMapOptions, what: string): Int32Array {
  const n = o.labelChannels;
  const out = new Int32Array(labels.ids.length);
  const bad = new Map<number, number>(); // id -> first pixel index
  for (let i = 0; i < out.length; i++) {
    const id = labels.ids[i]!;
    if (id >= 0 && id < n) out[i] = id;
    else if (id === DONTCARE_ID && o.containDontcareLabel) out[i] = n;
    else if (!bad.has(id)) bad.set(id, i);
  }
  if (bad.size > 0) {
    const shown = [...bad]
      .slice(0, LIST_AT_MOST)
      .map(([id, i]) => `${id} (first at x ${i % labels.width}, y ${Math.floor(i / labels.width)})`);
    const more = bad.size > LIST_AT_MOST ? ` and ${bad.size - LIST_AT_MOST} more` : '';
    const valid = `0..${n - 1}${o.containDontcareLabel ? ` and ${DONTCARE_ID} (dontcare)` : ''}`;
    throw new GcError('E_LABEL_MAP', `${what} has class ids outside ${valid}: ${shown.join(', ')}${more}`, {
      hint: bad.has(DONTCARE_ID) && !o.containDontcareLabel
        ? `${DONTCARE_ID} is the dontcare label: set containDontcareLabel if the model was trained with one`
        : `the model has ${n} label classes; check labelChannels and that the map holds class ids (not colours)`,
    });
  }
  return out;
}

/**
 * One-hot (+ dontcare) + instance edges for a decoded label map (and optional instance map of the
 * same original size). `where` names the label map in errors.
 */
export function encodeLabelMap(labels: IdMap, instance: IdMap | undefined, o: LabelMapOptions, where = 'label map'): LabelMapInput {
  checkOptions(o);
  const channels = labelInputChannels(o);
  if (o.semanticChannels !== undefined && o.semanticChannels !== channels) {
    const parts = `${o.labelChannels} classes${o.containDontcareLabel ? ' + 1 dontcare' : ''}${o.noInstance ? '' : ' + 1 instance edge'}`;
    throw new GcError(
      'E_LABEL_MAP',
      `${where}: the model takes ${o.semanticChannels} semantic channels but these options make ${channels} (${parts})`,
      {
        hint: "labelChannels (+1 with containDontcareLabel) (+1 unless noInstance) must equal the model's semanticChannels",
      },
    );
  }
  if (instance && (instance.width !== labels.width || instance.height !== labels.height)) {
    throw new GcError(
      'E_LABEL_MAP',
      `${where}: the instance map is ${instance.width}x${instance.height} but the label map is ${labels.width}x${labels.height} (width x height)`,
      { hint: 'both come from the same annotation and must have the same size' },
    );
  }
  const width = o.width ?? labels.width;
  const height = o.height ?? labels.height;
  const fitted = fitSize(labels, width, height, o, where);
  const classIds = channelIds(fitted, o, where);

  const plane = width * height;
  const data = new Float32Array(channels * plane);
  for (let i = 0; i < plane; i++) data[classIds[i]! * plane + i] = 1;
  if (!o.noInstance) {
    const source = instance ? fitSize(instance, width, height, o, `${where}: instance map`) : fitted;
    const edges = instanceEdges(source, o.edges ?? 'upstream');
    const base = (channels - 1) * plane;
    for (let i = 0; i < plane; i++) data[base + i] = edges[i]!;
  }
  return { tensor: { data, dims: [1, channels, height, width] }, classIds, width, height };
}

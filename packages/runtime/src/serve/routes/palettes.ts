/**
 * GET /v1/palettes/{name}: the classes of a label palette a label-map model's `generate.palette`
 * names (GET /v2/models/{name}), as `{"name", "entries": [{"id", "name", "color": [r, g, b]}]}`,
 * the palette file format (../../label-map/palette.ts). The demo page paints with it; any client can
 * draw an RGB label map from it.
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import { CITYSCAPES_PALETTE } from '../../label-map';
import type { LabelPalette } from '../../label-map/types';

const PALETTES: ReadonlyMap<string, LabelPalette> = new Map([[CITYSCAPES_PALETTE.name, CITYSCAPES_PALETTE]]);

export function paletteRoutes(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>('/v1/palettes/:name', async (req) => {
    const palette = PALETTES.get(req.params.name);
    if (!palette) {
      const known = [...PALETTES.keys()].join(', ');
      throw new GcError('E_NOT_FOUND', `no palette '${req.params.name.slice(0, 80)}'. Should be one of: ${known}`);
    }
    return { name: palette.name, entries: palette.entries };
  });
}

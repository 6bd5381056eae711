/** GET /v1/world: the world model the studio's Play page runs in the browser, and where its files are. */
import { z } from 'zod';

export const World = z
  .object({
    object: z.literal('world'),
    id: z.string().meta({ description: 'The model\'s name.' }),
    manifest: z.record(z.string(), z.unknown()).meta({ description: 'The model\'s manifest.json (docs/FORMATS.md, "World model").' }),
    files: z.record(z.string(), z.string()).meta({ description: 'Each ONNX session of the manifest (`denoiser`, …) → the path it downloads from.' }),
  })
  .meta({ id: 'World' });
export type World = z.input<typeof World>;

export const WorldFileParams = z.strictObject({ file: z.string().min(1).max(200) });

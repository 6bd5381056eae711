/**
 * Random scenes for the language tests, drawn straight from vocabulary.ts. Harder than the training sampler
 * on purpose: defaults are frequent (so captions omit them), and objects often copy the one before with one
 * attribute changed, or entirely, so captions must tell look-alikes apart.
 */
import type { Rng } from '../../src/util/random.ts';
import { DEFAULTS, MAX_OBJECTS, type ObjectSpec, type SceneSpec } from '../../src/world/spec.ts';
import { BACKGROUNDS, CAMERA_MOVES, COLORS, MOTIONS, SHAPES, SIZES, TEXTURES } from '../../src/world/vocabulary.ts';

const orDefault = <T>(rng: Rng, list: readonly T[], fallback: T) => (rng.bool(0.4) ? fallback : rng.pick(list));

function randomObject(rng: Rng): ObjectSpec {
  return {
    shape: rng.pick(SHAPES),
    color: rng.pick(COLORS),
    size: orDefault(rng, SIZES, DEFAULTS.size),
    texture: orDefault(rng, TEXTURES, DEFAULTS.texture),
    motion: orDefault(rng, MOTIONS, DEFAULTS.motion),
  };
}

const KEYS = ['shape', 'color', 'size', 'texture', 'motion'] as const;

export function randomScene(rng: Rng): SceneSpec {
  const objects: ObjectSpec[] = [randomObject(rng)];
  const count = 1 + rng.int(MAX_OBJECTS);
  while (objects.length < count) {
    const prev = objects[objects.length - 1];
    const r = rng.next();
    if (r < 0.15) objects.push({ ...prev });
    else if (r < 0.45) {
      const key = rng.pick(KEYS);
      const fresh = randomObject(rng);
      objects.push({ ...prev, [key]: fresh[key] });
    } else objects.push(randomObject(rng));
  }
  return { background: rng.pick(BACKGROUNDS), objects, camera: orDefault(rng, CAMERA_MOVES, DEFAULTS.camera) };
}

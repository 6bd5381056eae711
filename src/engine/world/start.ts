/**
 * Where a play starts: a seeded Shapes World game, its scene optionally named by a prompt ("a red striped
 * ball on grass": the background and the agent's look). Pure, like the stepper, so the studio starts plays
 * the same way; starting from an image file is Node-only (session.ts `imageStart`).
 *
 * The game is returned with the frame: evaluation plays the simulator side by side with the model from the
 * same start, and `cinesim play` can show what the true world would have done.
 */
import { invalidArgument } from '../../errors.ts';
import { Game } from '../../world/game.ts';
import { parsePrompt } from '../../world/parser.ts';
import type { ObjectSpec } from '../../world/spec.ts';
import type { Background } from '../../world/vocabulary.ts';
import type { WorldSpec } from './stepper.ts';

export interface GameStartRequest {
  readonly seed: number;
  /** The scene: a background and/or the agent's shape, colour, size and texture. Unknown words throw. */
  readonly prompt?: string;
}

export interface GameStart {
  readonly game: Game;
  /** The game's reset frame, uint8 RGB at the model's size. */
  readonly frame: Uint8Array;
  readonly background: Background;
  readonly agent: Pick<ObjectSpec, 'shape' | 'color' | 'size' | 'texture'>;
}

/** What a play prompt may set. */
export interface PlayScene {
  readonly background?: Background;
  readonly agent: Partial<Pick<ObjectSpec, 'shape' | 'color' | 'size' | 'texture'>>;
}

/**
 * Reads a play prompt with the world's parser. It names one thing, the agent, and where it is; motions
 * are the player's to make and are ignored, while camera moves and second objects are errors.
 */
export function parsePlayPrompt(prompt: string): PlayScene {
  const spec = parsePrompt(prompt);
  if (spec.camera !== undefined && spec.camera !== 'static') {
    throw invalidArgument('prompt', `a play prompt names the scene; the camera follows the agent, so "${spec.camera}" cannot apply`);
  }
  if (spec.objects.length > 1) {
    throw invalidArgument('prompt', `a play prompt names one object, the agent you play (e.g. "a red striped ball on grass"); this one names ${spec.objects.length}`);
  }
  const o = spec.objects[0] ?? {};
  const agent = Object.fromEntries(
    (['shape', 'color', 'size', 'texture'] as const).flatMap((k) => (o[k] === undefined ? [] : [[k, o[k]]])),
  ) as PlayScene['agent'];
  return { ...(spec.background && { background: spec.background }), agent };
}

/** A seeded game at the model's frame size and rate, reset; the prompt (if any) sets its scene. */
export function gameStart(request: GameStartRequest, spec: WorldSpec): GameStart {
  if (!Number.isInteger(request.seed) || request.seed < 0) {
    throw invalidArgument('seed', `seed must be a non-negative integer, got ${request.seed}`);
  }
  const scene = request.prompt === undefined ? { agent: {} } : parsePlayPrompt(request.prompt);
  const game = new Game({
    seed: request.seed,
    width: spec.frame.width,
    height: spec.frame.height,
    fps: spec.frame.fps,
    ...(scene.background && { background: scene.background }),
    agent: scene.agent,
  });
  const state = game.reset();
  const agent = state.objects[game.agentIndex];
  return {
    game,
    frame: game.render(),
    background: state.background,
    agent: { shape: agent.shape, color: agent.color, size: agent.size, texture: agent.texture },
  };
}

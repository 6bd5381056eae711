/**
 * Recording game episodes: the frames a policy sees, the actions it took and what happened, ready for the
 * dataset writer (FORMATS.md, kind "game"). `recordEpisode` in game.ts builds the game and policy from a
 * seed and calls this.
 */
import { frameAt, makeFrames, type VideoFrames } from '../media/frames.ts';
import type { Action } from './actions.ts';
import { applyGameEvent, type GameEvent } from './game-events.ts';
import type { Game } from './game.ts';
import type { Policy } from './policies.ts';
import type { FrameState, WorldEvent } from './spec.ts';

export interface Episode {
  /** steps + 1 frames: the reset frame, then one per step. */
  video: VideoFrames;
  /** actions[k] leads from frame k to frame k + 1. */
  actions: Action[];
  events: WorldEvent[];
  states: FrameState[];
  policy: Policy['name'];
  /** Promptable events fired during play; `frame` is the first frame that shows each (fired before that step). */
  gameEvents: { frame: number; event: GameEvent }[];
}

/** Decides, before step k, whether a promptable event fires (world-model training data). */
export type EventSource = (game: Game, step: number) => GameEvent | null;

/** Resets the game and plays `steps` steps of `policy` (and events from `eventSource`), rendering every frame. */
export function playEpisode(game: Game, policy: Policy, steps: number, eventSource?: EventSource): Episode {
  const video = makeFrames(game.width, game.height, game.fps, steps + 1);
  const states = [game.reset()];
  game.render(frameAt(video, 0));
  const actions: Action[] = [];
  const events: WorldEvent[] = [];
  const gameEvents: Episode['gameEvents'] = [];
  for (let k = 0; k < steps; k++) {
    const event = eventSource?.(game, k) ?? null;
    if (event) {
      applyGameEvent(game, event);
      gameEvents.push({ frame: k + 1, event });
    }
    const action = policy.act(game);
    const result = game.step(action);
    actions.push(action);
    events.push(...result.events);
    states.push(result.state);
    game.render(frameAt(video, k + 1));
  }
  return { video, actions, events, states, policy: policy.name, gameEvents };
}

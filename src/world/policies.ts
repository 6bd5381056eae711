/**
 * Policies that play the game to make world-model training data: random (sticky actions, the coverage of
 * every action in every situation), scripted (purposeful play: walk to the far end jumping the crates,
 * come back, so landmarks leave the view and return) and mixed (alternating stretches of both).
 */
import type { Rng } from '../util/random.ts';
import { ACTIONS, type Action } from './actions.ts';
import type { Game } from './game.ts';

export interface Policy {
  readonly name: 'random' | 'scripted' | 'mixed';
  /** The action for the next step, given the game as it is now. */
  act(game: Game): Action;
}

/** Keeps the previous action with probability `stickiness`, otherwise draws a new one uniformly. */
export function randomPolicy(rng: Rng, stickiness = 0.8): Policy {
  let last: Action = 'none';
  return {
    name: 'random',
    act() {
      if (!rng.bool(stickiness)) last = rng.pick(ACTIONS);
      return last;
    },
  };
}

/** How far ahead (world units, edge to edge) a crate makes the scripted player jump. */
const LOOKAHEAD = 0.16;
/** Turn around this close to either end of the world. */
const END_MARGIN = 0.35;

/**
 * Walks right to the far end and back again, jumping when a solid is just ahead. With an rng it also
 * pauses and hops now and then, so scripted episodes are not all alike.
 */
export function scriptedPolicy(rng?: Rng): Policy {
  let dir = 1;
  let pause = 0;
  return {
    name: 'scripted',
    act(game) {
      const { agent, worldWidth, solids } = game.observation();
      if (dir > 0 && agent.x > worldWidth - END_MARGIN) dir = -1;
      if (dir < 0 && agent.x < END_MARGIN) dir = 1;
      if (pause > 0) {
        pause--;
        return 'none';
      }
      const front = agent.x + dir * agent.radius;
      // A solid at the agent's height just in front of it (the platform overhead does not count).
      const blocked = solids.some(
        (s) => s.y1 > agent.y - agent.radius && s.y0 < agent.y + agent.radius && ahead(s.x0, s.x1, front, dir),
      );
      if (agent.grounded && blocked) return 'up';
      if (rng?.bool(0.03)) pause = 1 + rng.int(4);
      if (agent.grounded && rng?.bool(0.04)) return 'up';
      return dir > 0 ? 'right' : 'left';
    },
  };
}

/** True when the box [x0, x1] starts within LOOKAHEAD in front of `front` going `dir`. */
function ahead(x0: number, x1: number, front: number, dir: number): boolean {
  const gap = dir > 0 ? x0 - front : front - x1;
  return gap >= -0.02 && gap < LOOKAHEAD;
}

/** Alternates scripted and random play in stretches of 8–24 steps. */
export function mixedPolicy(rng: Rng): Policy {
  const policies = [scriptedPolicy(rng), randomPolicy(rng)];
  let current = 0;
  let left = 0;
  return {
    name: 'mixed',
    act(game) {
      if (left <= 0) {
        current = rng.int(2);
        left = 8 + rng.int(17);
      }
      left--;
      return policies[current].act(game);
    },
  };
}

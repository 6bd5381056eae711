/**
 * The game's action space: what a player (or a policy, or the world model's controller) can do each step.
 * Ids are indices into ACTIONS (datasets store them; FORMATS.md). Kept apart from game.ts so policies
 * can use it without importing the game at run time.
 */
export const ACTIONS = ['none', 'left', 'right', 'up', 'down'] as const;
/** up = jump (from the ground), down = duck on the ground or fall fast in the air. */
export type Action = (typeof ACTIONS)[number];

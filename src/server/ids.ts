/**
 * Identifiers the server hands out: a type prefix and random characters (`video_1f0c…`), so an id says what
 * it names and cannot be guessed. Ids are only ever compared, looked up or printed, never used as paths.
 */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'video' | 'key' | 'msg' | 'evt' | 'worker';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** What a well-formed id of `prefix` looks like (route params are checked against it before any lookup). */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9a-f]{24}$`);
}

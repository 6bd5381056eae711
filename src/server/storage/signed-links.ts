/**
 * Share links: a URL that downloads one variant of one video without an API key until it expires.
 * The signature is an HMAC-SHA256 over (video id, variant, expiry) with the server secret, so a link
 * cannot be altered to another video, variant or time; checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CinesimError, ERRORS } from '../../errors.ts';

export interface ShareLink {
  /** Path and query, relative to the server's origin. */
  readonly path: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

export class LinkSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  sign(videoId: string, variant: string, ttlSeconds: number): ShareLink {
    const expiresAt = Math.floor(this.now() / 1000) + ttlSeconds;
    const sig = this.signature(videoId, variant, expiresAt);
    return { path: `/v1/shared/${videoId}/${variant}?expires=${expiresAt}&signature=${sig}`, expiresAt };
  }

  /** Throws LINK_INVALID for a wrong signature, LINK_EXPIRED for a right one whose time is up. */
  verify(videoId: string, variant: string, expiresAt: number, signature: string): void {
    const expected = Buffer.from(this.signature(videoId, variant, expiresAt));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new CinesimError(ERRORS.LINK_INVALID, 'this link is not valid (its signature does not match)', { param: 'signature' });
    }
    if (Math.floor(this.now() / 1000) >= expiresAt) {
      throw new CinesimError(ERRORS.LINK_EXPIRED, `this link expired at ${new Date(expiresAt * 1000).toISOString()}`, { param: 'expires' });
    }
  }

  private signature(videoId: string, variant: string, expiresAt: number): string {
    return createHmac('sha256', this.secret).update(`${videoId}\n${variant}\n${expiresAt}`).digest('base64url');
  }
}

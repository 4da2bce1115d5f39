import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The sign-in token's check, in constant time: both sides are hashed to 32 bytes first (as the
 * worker's BearerCheck does), so timingSafeEqual compares equal lengths and the time taken says
 * nothing about the token, not even its length.
 */
export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = createHash('sha256').update(token).digest();
  }

  matches(given: string): boolean {
    return timingSafeEqual(createHash('sha256').update(given).digest(), this.expected);
  }
}

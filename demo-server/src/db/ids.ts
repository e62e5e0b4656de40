import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** A new message id: time-ordered, so each lands at the end of the id index instead of on a random page. */
export function newMessageId(): string {
  return uuidv7({ random: randomBytes16() });
}

/**
 * 16 random bytes for a message id, cut from a pool refilled 256 ids at a time:
 * one call into the system's random source per id cost more than the rest of
 * the id's making.
 */
const randomPool = new Uint8Array(16 * 256);
let randomOffset = randomPool.length;
function randomBytes16(): Uint8Array {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 16;
  return randomPool.subarray(randomOffset - 16, randomOffset);
}

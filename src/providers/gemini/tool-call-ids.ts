// Ids for Gemini function calls that come back without one (Gemini 2.x never sends `id`). Anthropic
// clients expect `toolu_…`, and any client needs ids unique across a conversation. When the answer
// has a responseId, the id is derived from it and the call's position, so the same answer always
// gives the same ids (a stream however it is split, a stream and its JSON twin); without one the
// injected Random supplies it.
import { createHash } from 'node:crypto';
import type { Random } from '../../util/random.js';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const suffixLength = 24;

export function syntheticToolCallId(responseId: string | undefined, position: number, random: Random): string {
  if (responseId !== undefined) {
    const digest = createHash('sha256').update(`${responseId}:${position}`).digest('base64url');
    return `toolu_${digest.replace(/[-_]/g, '').slice(0, suffixLength)}`;
  }
  let suffix = '';
  for (let index = 0; index < suffixLength; index++)
    suffix += alphabet[Math.floor(random.next() * alphabet.length)] ?? 'x';
  return `toolu_${suffix}`;
}

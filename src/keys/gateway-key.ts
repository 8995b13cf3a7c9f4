// A gateway key: 192 random bits behind a fixed prefix (`syk_`) that secret scanners can match. Only
// its SHA-256 is ever stored or compared; a fast hash is right here because the key is random, not a
// password a person chose.
import { createHash, randomBytes } from 'node:crypto';
import type { KeyLimits } from '../config/auth-schema.js';

export const keyPrefix = 'syk_';

export interface GatewayKeyRecord extends KeyLimits {
  name: string;
  /** Hex SHA-256 of the key. */
  hash: string;
  /** The first characters of the key, to tell keys apart in a list without revealing them. */
  hint: string;
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
  /** Where the key was declared. */
  source: 'store' | 'config';
}

export function generateKey(bytes: (size: number) => Buffer = randomBytes): string {
  return `${keyPrefix}${bytes(24).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function keyHint(key: string): string {
  return `${key.slice(0, keyPrefix.length + 4)}…`;
}

/** `30d`, `12h`, `90m` → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

// Chat completion ids. An OpenAI upstream's own `chatcmpl-…` id is kept (it is what OpenAI's
// logs know); any other upstream's id (msg_…, Bedrock request ids) is replaced, since clients and
// log tooling expect the chatcmpl- prefix.
import { randomBytes } from 'node:crypto';

const prefix = 'chatcmpl-';

export function newChatCompletionId(): string {
  return prefix + randomBytes(15).toString('hex');
}

export function chatCompletionIdFor(upstreamId: string | undefined): string {
  return upstreamId?.startsWith(prefix) && upstreamId.length > prefix.length ? upstreamId : newChatCompletionId();
}

// Anthropic message ids for responses: the upstream's own when it is already a `msg_` id
// (an Anthropic, Bedrock or Vertex upstream), otherwise a fresh one in the same shape.
import { randomUUID } from 'node:crypto';

export function generateMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

export function anthropicMessageId(upstreamId: string | undefined): string {
  return upstreamId?.startsWith('msg_') ? upstreamId : generateMessageId();
}

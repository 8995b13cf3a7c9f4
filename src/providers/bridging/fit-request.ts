// Bridging a translated request to the deployment that will serve it (docs: "Bridging"): the output
// cap clamped to the model's limit, an end-user id longer than the provider takes hashed to fit (the
// same user always gets the same id), tool call ids the provider would refuse (too long, or with
// characters outside its pattern) hashed the same way on the call and on its result, and reasoning
// parameters kept only for a model that reasons.
// Only the canonical request is edited: a same-format client's own body (the relay lane) is
// forwarded as it came, so nothing here touches it. What changed is reported like Claude bridging.
import { createHash } from 'node:crypto';
import type { CanonicalRequest } from '../../canonical/request.js';
import type { BridgingReport, DeploymentTarget } from '../adapter.js';
import type { CanonicalMessage } from '../../canonical/request.js';
import { identifierLimits, modelProfile, type ToolCallIdRule, toolCallIdRules } from './model-profiles.js';

/** An identifier that fits `maximum` characters: itself when it does, else a stable hash of it. */
export function fitIdentifier(value: string, maximum: number): string {
  if (value.length <= maximum) return value;
  const digest = createHash('sha256').update(value).digest('base64url');
  return `sha256_${digest}`.slice(0, maximum);
}

/** A tool call id the rule accepts: itself when it does, else a stable hash (the call and its result stay paired). */
export function fitToolCallId(id: string, rule: ToolCallIdRule): string {
  const fits = (rule.maximum === undefined || id.length <= rule.maximum) && (rule.pattern?.test(id) ?? true);
  if (fits) return id;
  const digest = createHash('sha256').update(id).digest('base64url');
  return `call_${digest}`.slice(0, rule.maximum ?? 40);
}

/** The messages with every tool call id fitted to the rule, and how many ids changed. */
function fitToolCallIds(
  messages: CanonicalMessage[],
  rule: ToolCallIdRule,
): { messages: CanonicalMessage[]; changed: number } {
  const changed = new Set<string>();
  const fitId = (id: string) => {
    const fitted = fitToolCallId(id, rule);
    if (fitted !== id) changed.add(id);
    return fitted;
  };
  const fittedMessages = messages.map((message) => ({
    ...message,
    content: message.content.map((part) =>
      part.type === 'tool-call'
        ? { ...part, id: fitId(part.id) }
        : part.type === 'tool-result'
          ? { ...part, toolCallId: fitId(part.toolCallId) }
          : part,
    ),
  }));
  return { messages: changed.size === 0 ? messages : fittedMessages, changed: changed.size };
}

export function fitRequestToDeployment(
  request: CanonicalRequest,
  target: DeploymentTarget,
): { request: CanonicalRequest; report: BridgingReport } {
  const report: BridgingReport = { removed: [], changed: [] };
  const profile = modelProfile(target.model, {
    ...(target.maxOutputTokens !== undefined ? { maxOutputTokens: target.maxOutputTokens } : {}),
    ...(target.reasoning !== undefined ? { reasoning: target.reasoning } : {}),
  });
  let fitted = request;
  const limit = profile.maxOutputTokens;
  if (limit !== undefined && request.maxTokens !== undefined && request.maxTokens > limit) {
    fitted = { ...fitted, maxTokens: limit };
    report.changed.push(`max_tokens ${request.maxTokens}→${limit}`);
    // A thinking budget must stay below the output cap it lives in.
    const thinking = fitted.thinking;
    if (thinking?.type === 'enabled' && thinking.budgetTokens >= limit)
      fitted = { ...fitted, thinking: { type: 'enabled', budgetTokens: Math.floor(limit / 2) } };
  }
  const identifierLimit = identifierLimits[target.provider];
  if (identifierLimit !== undefined && request.userId !== undefined && request.userId.length > identifierLimit) {
    fitted = { ...fitted, userId: fitIdentifier(request.userId, identifierLimit) };
    report.changed.push(`user id ${request.userId.length} chars→hashed`);
  }
  const idRule = toolCallIdRules[target.provider];
  if (idRule !== undefined) {
    const ids = fitToolCallIds(fitted.messages, idRule);
    if (ids.changed > 0) {
      fitted = { ...fitted, messages: ids.messages };
      report.changed.push(`${ids.changed} tool call ids→hashed`);
    }
  }
  if (!profile.reasoning) {
    if (fitted.reasoningEffort !== undefined) {
      const { reasoningEffort: _effort, ...rest } = fitted;
      fitted = rest;
      report.removed.push('field=reasoning_effort');
    }
    if (fitted.thinking !== undefined && fitted.thinking.type !== 'disabled') {
      const { thinking: _thinking, ...rest } = fitted;
      fitted = rest;
      report.removed.push('field=thinking');
    }
  }
  return { request: fitted, report };
}

// Tool search, as a model does it with Claude Code: Claude Code offers most of its tools (WebSearch,
// WebFetch, …) only by name, in a `<system-reminder>` that says to load them with its `ToolSearch`
// tool (`select:<name>`). A simulated model asked to use such a tool first calls ToolSearch for it,
// and, once the tool search's result is back and the tool is offered, calls the tool — with the
// user's words as its `query` when it takes one. Without this, the simulator could not drive
// Claude Code's WebSearch at all.
import { isRecord } from '../util/wire-values.js';

export const toolSearchName = 'ToolSearch';

const reminder = /<system-reminder>([\s\S]*?)<\/system-reminder>/g;
const toolNameLine = /^[A-Z][A-Za-z0-9_]*$/;

/** What a conversation says about deferred tools: their names, and the user's latest request in full. */
export interface DeferredTools {
  names: string[];
  /** The latest user text (reminders removed), which named the tool the model was asked to use. */
  userText: string;
}

function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) => (isRecord(block) && typeof block.text === 'string' ? [block.text] : []));
}

/** Deferred tool names are the one-word lines of a reminder that mentions ToolSearch. */
export function deferredToolsOf(messages: unknown[]): DeferredTools {
  const names = new Set<string>();
  let userText = '';
  for (const message of messages) {
    if (!isRecord(message) || message.role !== 'user') continue;
    const own: string[] = [];
    for (const text of texts(message.content)) {
      for (const match of text.matchAll(reminder)) {
        const body = match[1] ?? '';
        if (!body.includes(toolSearchName)) continue;
        for (const line of body.split('\n')) if (toolNameLine.test(line.trim())) names.add(line.trim());
      }
      const words = text.replace(reminder, ' ').trim();
      if (words.length > 0) own.push(words);
    }
    // A tool result's message may carry text beside it ("Tool loaded."); that is not the user asking.
    const answersTool =
      Array.isArray(message.content) &&
      message.content.some((block) => isRecord(block) && block.type === 'tool_result');
    if (own.length > 0 && !answersTool) userText = own.join('\n');
  }
  return { names: [...names], userText };
}

/** The user's words for a tool's `query`: what they asked, without the tool's name, bounded. */
export function queryFrom(userText: string, toolName: string): string {
  const query = userText
    .replace(new RegExp(`\\b(use|with|the|to|look up|search for|find)\\b|\\b${toolName}\\b`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.:;]+|[\s,.:;]+$/g, '');
  return (query.length >= 2 ? query : `${toolName} request`).slice(0, 120);
}

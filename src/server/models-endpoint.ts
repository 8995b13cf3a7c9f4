// GET /v1/models: one list that both the Anthropic SDK (data[].id, has_more, first_id) and the
// OpenAI SDK (object: "list", data[].object: "model") parse.
import type { RouteTable } from '../routing/resolve-route.js';

export function modelList(routes: RouteTable, startedAtMs: number): Record<string, unknown> {
  const createdAt = new Date(startedAtMs).toISOString();
  const data = routes.names().map(({ id }) => ({
    id,
    type: 'model',
    object: 'model',
    display_name: id,
    created_at: createdAt,
    created: Math.floor(startedAtMs / 1000),
    owned_by: 'switchyard',
  }));
  return {
    object: 'list',
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}

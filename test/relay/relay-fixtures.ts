// What real upstreams send that a rebuilt answer would lose: Anthropic server tools (web search) with
// their results and citations, thinking with its signature, cache-creation split, server-tool usage,
// context-management edits, service tier; OpenAI chunks with fields the gateway does not model. The
// spacing is deliberately irregular, so only a byte-for-byte relay can pass the equality tests.

export const anthropicMessageJson =
  '{"id":"msg_01RelayFixture","type":"message","role":"assistant","model":"claude-sonnet-4-6",' +
  '"content":[{"type":"thinking","thinking":"Search first.","signature":"EqQBCkYIBxgCKkC0sig=="},' +
  '{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{"query":"lighthouses"}},' +
  '{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":[{"type":"web_search_result",' +
  '"url":"https://example.org/lighthouses","title":"Lighthouses","encrypted_content":"Eo8B","page_age":null}]},' +
  '{"type":"text","text":"Lighthouses guide ships.","citations":[{"type":"web_search_result_location",' +
  '"url":"https://example.org/lighthouses","title":"Lighthouses","encrypted_index":"Eo8C","cited_text":"guide ships"}]}],' +
  '"stop_reason":"end_turn","stop_sequence":null,"container":null,' +
  '"context_management":{"applied_edits":[{"type":"clear_tool_uses_20250919","cleared_tool_uses":2}]},' +
  '"usage":{"input_tokens":42,"cache_creation_input_tokens":10,"cache_read_input_tokens":0,' +
  '"cache_creation":{"ephemeral_5m_input_tokens":4,"ephemeral_1h_input_tokens":6},"output_tokens":17,' +
  '"server_tool_use":{"web_search_requests":1},"service_tier":"standard"}}';

const anthropicEvents: Array<[string, string]> = [
  [
    'message_start',
    '{"type":"message_start","message":{"id":"msg_01RelayFixture","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"cache_creation_input_tokens":10,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":4,"ephemeral_1h_input_tokens":6},"output_tokens":1,"service_tier":"standard"}}}',
  ],
  ['ping', '{"type": "ping"}'],
  [
    'content_block_start',
    '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}',
  ],
  [
    'content_block_delta',
    '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Search first."}}',
  ],
  [
    'content_block_delta',
    '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCkYIBxgCKkC0sig=="}}',
  ],
  ['content_block_stop', '{"type":"content_block_stop","index":0}'],
  [
    'content_block_start',
    '{"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_01","name":"web_search","input":{}}}',
  ],
  [
    'content_block_delta',
    '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"lighthouses\\"}"}}',
  ],
  ['content_block_stop', '{"type":"content_block_stop","index":1}'],
  [
    'content_block_start',
    '{"type":"content_block_start","index":2,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01","content":[{"type":"web_search_result","url":"https://example.org/lighthouses","title":"Lighthouses","encrypted_content":"Eo8B","page_age":null}]}}',
  ],
  ['content_block_stop', '{"type":"content_block_stop","index":2}'],
  [
    'content_block_start',
    '{"type":"content_block_start","index":3,"content_block":{"type":"text","text":"","citations":[]}}',
  ],
  [
    'content_block_delta',
    '{"type":"content_block_delta","index":3,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","url":"https://example.org/lighthouses","title":"Lighthouses","encrypted_index":"Eo8C","cited_text":"guide ships"}}}',
  ],
  [
    'content_block_delta',
    '{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"Lighthouses guide ships."}}',
  ],
  ['content_block_stop', '{"type":"content_block_stop","index":3}'],
  [
    'message_delta',
    '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"context_management":{"applied_edits":[]},"usage":{"output_tokens":17,"server_tool_use":{"web_search_requests":1}}}',
  ],
  ['message_stop', '{"type":"message_stop"}'],
];

/** The Anthropic events as a first-party SSE body. */
export const anthropicSse = anthropicEvents.map(([name, data]) => `event: ${name}\ndata: ${data}\n\n`).join('');

/** The JSON text of each event, in order (what Bedrock wraps into its chunk frames). */
export const anthropicEventData = anthropicEvents.map(([, data]) => data);

export const anthropicErrorStatus = 400;
export const anthropicErrorJson =
  '{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content.0: unknown  field   `bogus` — kept exactly, with  its spacing and a message longer than three hundred characters so that nothing may cut it: ' +
  'x'.repeat(320) +
  '"},"request_id":"req_011Upstream"}';

export const anthropicMidStreamError =
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011Mid"}\n\n';

export const openAICompletionJson =
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion","created":1765000000,"model":"gpt-5-mini-2025-08-07",' +
  '"choices":[{"index":0,"message":{"role":"assistant","content":"Lighthouses guide ships.","refusal":null,' +
  '"annotations":[{"type":"url_citation","url_citation":{"url":"https://example.org/lighthouses","title":"Lighthouses","start_index":0,"end_index":11}}]},' +
  '"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,' +
  '"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,' +
  '"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default",' +
  '"system_fingerprint":"fp_relay"}';

const openAIChunks = [
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"obfuscation":"Qx"}',
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[{"index":0,"delta":{"content":"Lighthouses"},"logprobs":null,"finish_reason":null}],"obfuscation":"a1"}',
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}}]},"logprobs":null,"finish_reason":null}]}',
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"q\\": 1}"}}]},"logprobs":null,"finish_reason":null}]}',
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}',
  '{"id":"chatcmpl-RelayFixture","object":"chat.completion.chunk","created":1765000000,"model":"gpt-5-mini-2025-08-07","service_tier":"default","system_fingerprint":"fp_relay","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}',
];

export const openAISse = `${openAIChunks.map((chunk) => `data: ${chunk}\n\n`).join('')}data: [DONE]\n\n`;

export const openAIErrorStatus = 400;
export const openAIErrorJson =
  '{\n  "error": {\n    "message": "Your request was rejected as a result of our safety system.",\n    "type": "invalid_request_error",\n    "param": "prompt",\n    "code": "content_policy_violation"\n  }\n}\n';

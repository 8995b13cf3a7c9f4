// JSON Schema → the OpenAPI-subset Schema that Gemini's `functionDeclarations[].parameters` accepts
// (docs/protocols/translation.md §6.5). Gemini answers 400 for `$schema`, `additionalProperties`, `const`,
// `propertyNames`, array-valued `type` ("Proto field is not repeating"), `$ref`, unknown string
// formats and non-string enums, and Claude Code's and MCP servers' tool schemas contain all of them.
// So this is an allow-list: a node keeps only the keywords Gemini knows for its type, and the rest
// are rewritten (const → enum, oneOf → anyOf, ["string","null"] → string + nullable, $ref inlined,
// allOf merged) or dropped (default, examples, additionalProperties, patternProperties, not, …).
// Keywords that constrain values but cannot be carried are described in `description` where a model
// needs them to answer correctly (non-string enum values).
import { isRecord } from '../../util/wire-values.js';

type Schema = Record<string, unknown>;

interface Context {
  root: Schema;
  /** References being expanded on the current path: a repeat is a recursive schema. */
  expanding: readonly string[];
  depth: number;
  /** Nodes written so far, shared by the whole walk. */
  budget: { nodes: number };
}

/** Deeper than any real tool schema; a guard against pathological or recursive input. */
const maximumDepth = 24;
/**
 * Inlining references can multiply a schema (definitions that use each other several times).
 * Past this many nodes, further references are cut as recursion is, so the output stays bounded.
 */
const maximumInlinedNodes = 2_000;

const formatsByType: Record<string, ReadonlySet<string>> = {
  // 'enum' is also a string format on Gemini, but only ever beside `enum`, which says the same.
  string: new Set(['date-time']),
  integer: new Set(['int32', 'int64']),
  number: new Set(['float', 'double']),
};

const knownTypes = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `type` as a list of lower-case names ("string" and ["string", "null"] alike). */
function typeList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.toLowerCase());
}

/** A branch that only admits null (`{type:"null"}`, `{const:null}`, `{enum:[null]}`). */
function isNullOnly(node: unknown): boolean {
  if (!isRecord(node)) return false;
  const types = typeList(node.type);
  if (types.length > 0) return types.every((type) => type === 'null');
  if ('const' in node) return node.const === null;
  return Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every((value) => value === null);
}

/** Resolves a local JSON pointer (`#`, `#/$defs/Name`, `#/definitions/Name`); undefined otherwise. */
function resolvePointer(root: Schema, reference: string): unknown {
  if (!reference.startsWith('#')) return undefined;
  const path = reference
    .slice(1)
    .split('/')
    .filter((segment) => segment.length > 0);
  let node: unknown = root;
  for (const rawSegment of path) {
    const segment = decodeURIComponent(rawSegment).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function withDescription(schema: Schema, description: unknown): Schema {
  return typeof description === 'string' && description.length > 0 ? { description, ...schema } : schema;
}

function appendDescription(schema: Schema, note: string): void {
  schema.description =
    typeof schema.description === 'string' && schema.description.length > 0 ? `${schema.description} (${note})` : note;
}

function deeper(context: Context, reference?: string): Context {
  return {
    root: context.root,
    expanding: reference === undefined ? context.expanding : [...context.expanding, reference],
    depth: context.depth + 1,
    budget: context.budget,
  };
}

function sanitizeReference(node: Schema, context: Context): Schema {
  const reference = node.$ref as string;
  const { $ref: _reference, ...siblings } = node;
  if (context.expanding.includes(reference) || context.budget.nodes > maximumInlinedNodes) {
    // A recursive type (a tree of nodes) cannot be inlined; its recursion is cut to a plain object.
    return withDescription({ type: 'object' }, siblings.description);
  }
  const target = resolvePointer(context.root, reference);
  // An unresolvable (remote) reference says nothing we can check: keep what the siblings say.
  if (!isRecord(target)) return sanitizeNode(siblings, deeper(context));
  // Siblings of $ref (a description at the use site) win over the definition's own.
  return sanitizeNode({ ...target, ...siblings }, deeper(context, reference));
}

/** allOf members are merged into one object schema: properties and required are unions, the rest first wins. */
function sanitizeAllOf(node: Schema, context: Context): Schema {
  const { allOf, ...rest } = node;
  const members = [rest, ...(allOf as unknown[])].map((member) => sanitizeNode(member, deeper(context)));
  const merged: Schema = {};
  const properties: Schema = {};
  const required = new Set<string>();
  for (const member of members) {
    for (const [key, value] of Object.entries(member)) {
      if (key === 'properties' && isRecord(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value)) for (const name of value) required.add(name as string);
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) {
    merged.type = 'object';
    merged.properties = properties;
    const names = [...required].filter((name) => name in properties);
    if (names.length > 0) merged.required = names;
  }
  return merged;
}

/** anyOf / oneOf: null branches become `nullable`; one branch left is inlined; several stay anyOf. */
function sanitizeAlternatives(node: Schema, alternatives: unknown[], context: Context): Schema {
  const result: Schema = {};
  if (typeof node.title === 'string') result.title = node.title;
  if (typeof node.description === 'string') result.description = node.description;
  let nullable = node.nullable === true || typeList(node.type).includes('null');
  const branches: Schema[] = [];
  for (const alternative of alternatives) {
    if (isNullOnly(alternative)) nullable = true;
    else branches.push(sanitizeNode(alternative, deeper(context)));
  }
  if (branches.length === 1) {
    const only = branches[0] ?? {};
    // The outer description says what the field is for; the branch's only what it is.
    Object.assign(result, { ...only, ...result });
  } else if (branches.length > 1) {
    result.anyOf = branches;
  }
  if (nullable) result.nullable = true;
  return result;
}

/** Several non-null types become an anyOf, each branch with the keywords of its own type. */
function sanitizeTypeUnion(node: Schema, types: string[], nullable: boolean, context: Context): Schema {
  const { type: _type, description, title, nullable: _nullable, ...constraints } = node;
  const result: Schema = {};
  if (typeof title === 'string') result.title = title;
  if (typeof description === 'string') result.description = description;
  result.anyOf = types.map((type) => sanitizeNode({ ...constraints, type }, deeper(context)));
  if (nullable) result.nullable = true;
  return result;
}

function inferType(node: Schema, enumValues: unknown[] | undefined): string | undefined {
  if (isRecord(node.properties)) return 'object';
  if (node.items !== undefined) return 'array';
  const values = (enumValues ?? []).filter((value) => value !== null);
  if (values.length === 0) return undefined;
  if (values.every((value) => typeof value === 'string')) return 'string';
  if (values.every((value) => Number.isInteger(value))) return 'integer';
  if (values.every((value) => typeof value === 'number')) return 'number';
  if (values.every((value) => typeof value === 'boolean')) return 'boolean';
  return undefined;
}

function copyNumbers(node: Schema, result: Schema, keys: string[]): void {
  for (const key of keys) if (isFiniteNumber(node[key])) result[key] = node[key];
}

function sanitizeObject(node: Schema, result: Schema, context: Context): void {
  if (!isRecord(node.properties)) return;
  const properties: Schema = {};
  for (const [name, property] of Object.entries(node.properties))
    properties[name] = sanitizeNode(property, deeper(context));
  if (Object.keys(properties).length === 0) return;
  result.properties = properties;
  // A required name without a property is a 400 on Gemini.
  const required = Array.isArray(node.required)
    ? [...new Set(node.required.filter((name): name is string => typeof name === 'string' && name in properties))]
    : [];
  if (required.length > 0) result.required = required;
  copyNumbers(node, result, ['minProperties', 'maxProperties']);
}

function sanitizeArray(node: Schema, result: Schema, context: Context): void {
  if (Array.isArray(node.items)) {
    // A tuple ([string, number]) has no Gemini form; its members become the alternatives of one item.
    const members = node.items.map((item) => sanitizeNode(item, deeper(context)));
    result.items = members.length === 1 ? members[0] : members.length > 1 ? { anyOf: members } : { type: 'string' };
  } else if (node.items !== undefined && node.items !== true) {
    result.items = sanitizeNode(node.items, deeper(context));
  } else {
    // Gemini rejects an ARRAY without items; an untyped list is offered as a list of strings.
    result.items = { type: 'string' };
  }
  copyNumbers(node, result, ['minItems', 'maxItems']);
}

function sanitizeEnum(enumValues: unknown[], result: Schema): boolean {
  const values = enumValues.filter((value) => value !== null);
  const nullable = values.length < enumValues.length;
  if (values.length === 0) return nullable;
  if (values.every((value) => typeof value === 'string')) {
    result.type = 'string';
    result.enum = values;
  } else {
    // Gemini only takes string enums; the allowed values still reach the model, as words.
    appendDescription(result, `one of: ${values.map((value) => JSON.stringify(value)).join(', ')}`);
  }
  return nullable;
}

function sanitizeNode(node: unknown, context: Context): Schema {
  if (!isRecord(node) || context.depth > maximumDepth) return {};
  context.budget.nodes += 1;
  if (typeof node.$ref === 'string') return sanitizeReference(node, context);
  if (Array.isArray(node.allOf)) return sanitizeAllOf(node, context);
  const alternatives = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (alternatives !== undefined) return sanitizeAlternatives(node, alternatives, context);

  const declared = typeList(node.type);
  let nullable = node.nullable === true || declared.includes('null');
  const types = declared.filter((type) => type !== 'null' && knownTypes.has(type));
  if (types.length > 1) return sanitizeTypeUnion(node, types, nullable, context);

  const enumValues = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  const type = types[0] ?? inferType(node, enumValues);
  const result: Schema = {};
  if (type !== undefined) result.type = type;
  if (typeof node.title === 'string') result.title = node.title;
  if (typeof node.description === 'string') result.description = node.description;
  if (enumValues !== undefined && sanitizeEnum(enumValues, result)) nullable = true;

  switch (result.type) {
    case 'object':
      sanitizeObject(node, result, context);
      break;
    case 'array':
      sanitizeArray(node, result, context);
      break;
    case 'string':
      copyNumbers(node, result, ['minLength', 'maxLength']);
      if (typeof node.pattern === 'string') result.pattern = node.pattern;
      break;
    case 'integer':
    case 'number':
      copyNumbers(node, result, ['minimum', 'maximum']);
      // Draft-6 exclusive bounds become inclusive ones: close enough to guide the model.
      if (result.minimum === undefined && isFiniteNumber(node.exclusiveMinimum)) result.minimum = node.exclusiveMinimum;
      if (result.maximum === undefined && isFiniteNumber(node.exclusiveMaximum)) result.maximum = node.exclusiveMaximum;
      break;
  }
  const formats = typeof result.type === 'string' ? formatsByType[result.type] : undefined;
  if (typeof node.format === 'string' && formats?.has(node.format)) result.format = node.format;
  if (nullable) result.nullable = true;
  return result;
}

/** Sanitises any JSON Schema node (also used for nested schemas in tests). */
export function sanitizeGeminiSchema(schema: unknown): Record<string, unknown> {
  const root = isRecord(schema) ? schema : {};
  return sanitizeNode(root, { root, expanding: [], depth: 0, budget: { nodes: 0 } });
}

/**
 * A tool's `parameters`: undefined for a tool that takes no arguments, because Gemini rejects an
 * OBJECT whose `properties` is empty ("should be non-empty for OBJECT type").
 */
export function sanitizeToolParameters(inputSchema: Record<string, unknown>): Record<string, unknown> | undefined {
  const sanitized = sanitizeGeminiSchema(inputSchema);
  if (sanitized.anyOf !== undefined) return sanitized;
  if (!isRecord(sanitized.properties)) return undefined;
  return { ...sanitized, type: 'object' };
}

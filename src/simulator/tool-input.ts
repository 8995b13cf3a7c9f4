// Builds a tool input that satisfies the simplest reading of a JSON Schema, so a simulated tool
// call is something a client can actually run: required properties only, the first enum value,
// short strings, the number 1 (or the minimum when 1 is out of range), empty optional arrays.
import { isRecord } from '../util/wire-values.js';

const maximumDepth = 8;

function schemaType(schema: Record<string, unknown>): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const first = type.find((entry) => entry !== 'null');
    return typeof first === 'string' ? first : undefined;
  }
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function sampleNumber(schema: Record<string, unknown>, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let value = 1;
  if (minimum !== undefined && value < minimum) value = integer ? Math.ceil(minimum) : minimum;
  if (maximum !== undefined && value > maximum) value = integer ? Math.floor(maximum) : maximum;
  return value;
}

function sampleValue(schema: unknown, depth: number): unknown {
  if (!isRecord(schema) || depth > maximumDepth) return 'sample';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.find((option) => !(isRecord(option) && option.type === 'null'));
      return sampleValue(usable ?? options[0], depth + 1);
    }
  }
  switch (schemaType(schema)) {
    case 'string': {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      return 'sample'.padEnd(minLength, 'x');
    }
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: minItems }, () => sampleValue(schema.items, depth + 1));
    }
    case 'object':
      return sampleObject(schema, depth + 1);
    default:
      return 'sample';
  }
}

function sampleObject(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const name of required) {
    if (typeof name === 'string') result[name] = sampleValue(properties[name], depth);
  }
  return result;
}

/** An input object for a tool whose input schema is `schema` (anything that is not an object schema gives `{}`). */
export function sampleToolInput(schema: unknown): Record<string, unknown> {
  return isRecord(schema) ? sampleObject(schema, 0) : {};
}

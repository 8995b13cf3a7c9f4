// Zod helpers that pick one schema by looking at the value first, instead of z.union. A union that
// fails reports a bare "Invalid input" at its own path; picking first keeps the deep path of the
// real fault (`messages.3.content.1.text: expected string`) and parses each value only once.
import { z } from 'zod';

/** What a content block of a type we do not model becomes: kept out of the canonical request. */
export interface UnknownVariant {
  type: string;
  unknown: true;
}

/** Parses `value` with `schema` inside a transform, moving its issues (relative paths) to the outer parse. */
export function runSchema<Output>(
  schema: z.ZodType<Output>,
  value: unknown,
  context: z.core.ParsePayload<unknown>,
): Output | typeof z.NEVER {
  // No parse options: `reportInput` takes zod off its compiled fast path (~10× slower per block).
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Issue paths are relative to `value`; zod prefixes them with the parent path as they bubble up.
  for (const issue of result.error.issues) context.issues.push(issue as z.core.$ZodRawIssue);
  return z.NEVER;
}

/** A string, or an array whose items follow `itemSchema`; anything else is "expected string or array". */
export function stringOrArray<Item>(itemSchema: z.ZodType<Item>): z.ZodType<string | Item[]> {
  const arraySchema = z.array(itemSchema);
  return z.unknown().transform((value, context): string | Item[] => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return runSchema(arraySchema, value, context);
    context.issues.push({ code: 'custom', message: 'expected string or array', input: value });
    return z.NEVER;
  });
}

type VariantOutput<Variants extends Record<string, z.ZodType>> = {
  [Key in keyof Variants]: z.output<Variants[Key]>;
}[keyof Variants];

/**
 * An object told apart by its string `type` field. With `allowUnknown`, an unmodelled type passes as
 * `{type, unknown: true}` (new block kinds must not break old gateways); without it, it is an error.
 */
export function selectByType<Variants extends Record<string, z.ZodType>>(
  variants: Variants,
  options: { allowUnknown: true },
): z.ZodType<VariantOutput<Variants> | UnknownVariant>;
export function selectByType<Variants extends Record<string, z.ZodType>>(
  variants: Variants,
  options?: { allowUnknown?: false },
): z.ZodType<VariantOutput<Variants>>;
export function selectByType<Variants extends Record<string, z.ZodType>>(
  variants: Variants,
  options: { allowUnknown?: boolean } = {},
): z.ZodType<VariantOutput<Variants> | UnknownVariant> {
  const known = Object.keys(variants);
  const expectedTypes = `expected one of ${known.join(', ')}`;
  return z.unknown().transform((value, context): VariantOutput<Variants> | UnknownVariant => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      context.issues.push({ code: 'custom', message: 'expected object', input: value });
      return z.NEVER;
    }
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string') {
      context.issues.push({
        code: 'custom',
        message: `expected string (${expectedTypes})`,
        path: ['type'],
        input: type,
      });
      return z.NEVER;
    }
    const schema = Object.hasOwn(variants, type) ? variants[type] : undefined;
    if (schema !== undefined) return runSchema(schema, value, context) as VariantOutput<Variants>;
    if (options.allowUnknown) return { type, unknown: true };
    context.issues.push({
      code: 'custom',
      message: `${expectedTypes}; got "${type.slice(0, 64)}"`,
      path: ['type'],
      input: type,
    });
    return z.NEVER;
  });
}

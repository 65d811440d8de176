/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no
 * whitespace, undefined object members dropped, Dates as ISO strings. Two equal values always give
 * the same bytes, so a hash or signature over it can be recomputed by any verifier.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value);
}

function serialise(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error('canonical JSON cannot hold NaN or Infinity');
      return JSON.stringify(v);
    case 'bigint':
      throw new Error('canonical JSON cannot hold bigint (convert to number or string first)');
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : serialise(x))).join(',')}]`;
      if (Buffer.isBuffer(v) || ArrayBuffer.isView(v)) throw new Error('canonical JSON cannot hold binary data');
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${serialise(obj[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`canonical JSON cannot hold ${typeof v}`);
  }
}

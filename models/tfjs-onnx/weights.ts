/**
 * Decodes a TF.js weight blob (weightsManifest + the concatenated .bin shards) into named
 * arrays, undoing TF.js's weight quantisation the way tfjs-core's io.decodeWeights does.
 */

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

export type WeightsManifest = Array<{ paths: string[]; weights: WeightSpec[] }>;

export interface DecodedWeight {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
  /** For uint8/uint16 affine-quantised weights: the stored codes (values = codes * scale + min). */
  quantized?: { codes: Uint8Array | Uint16Array; scale: number; min: number };
}

/** IEEE half → float (TF.js 'float16' quantisation stores weights as halves). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Supported: float32 (plain, uint8/uint16 affine-quantised or float16-quantised) and int32. */
export function decodeWeights(manifest: WeightsManifest, data: Uint8Array): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  let off = 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const group of manifest) {
    for (const w of group.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      if (w.dtype === 'int32' && !q) {
        const values = new Int32Array(size);
        for (let i = 0; i < size; i++) values[i] = view.getInt32(off + 4 * i, true);
        off += size * 4;
        out.set(w.name, { shape: w.shape, dtype: 'int32', values });
        continue;
      }
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}/${q?.dtype}`);
      const values = new Float32Array(size);
      if (q && (q.dtype === 'uint8' || q.dtype === 'uint16')) {
        if (q.min === undefined || q.scale === undefined) throw new Error(`weight ${w.name}: unsupported quantization (no min/scale)`);
        const bytes = q.dtype === 'uint8' ? 1 : 2;
        const codes = bytes === 1 ? new Uint8Array(size) : new Uint16Array(size);
        for (let i = 0; i < size; i++) {
          const v = bytes === 1 ? data[off + i] : view.getUint16(off + 2 * i, true);
          codes[i] = v;
          values[i] = v * q.scale + q.min;
        }
        off += size * bytes;
        out.set(w.name, { shape: w.shape, dtype: 'float32', values, quantized: { codes, scale: q.scale, min: q.min } });
        continue;
      } else if (q && q.dtype === 'float16') {
        for (let i = 0; i < size; i++) values[i] = halfToFloat(view.getUint16(off + 2 * i, true));
        off += size * 2;
      } else if (!q) {
        for (let i = 0; i < size; i++) values[i] = view.getFloat32(off + 4 * i, true);
        off += size * 4;
      } else {
        throw new Error(`weight ${w.name}: unsupported quantization ${q.dtype}`);
      }
      out.set(w.name, { shape: w.shape, dtype: 'float32', values });
    }
  }
  if (off !== data.byteLength) throw new Error(`weight blob size mismatch: read ${off} of ${data.byteLength} bytes`);
  return out;
}

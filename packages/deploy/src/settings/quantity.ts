/**
 * Kubernetes resource quantities (apimachinery's resource.Quantity): a decimal number with an
 * optional suffix, binary (Ki, Mi, Gi, Ti, Pi, Ei: powers of 1024) or decimal (m, k, M, G, T, P,
 * E: powers of 1000). Exponent forms (`1e3`) are valid there too but rare; they are refused
 * here so that every accepted size also reads the same in the worker's `--storage-limit`.
 */
const SCALE: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

/** The quantity's value (bytes for memory, cores for CPU), or undefined when `text` is none. */
export function quantityValue(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * SCALE[m[2] ?? '']!;
}

// Benchmark options: whole numbers checked before anything runs, with a usage error (exit 2).

/** `values[name]` as a whole number of at least `min`, or exit 2 naming the option. */
export function wholeNumber(values: Record<string, string | boolean | undefined>, name: string, min = 1): number {
  const text = String(values[name]);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    console.error(`--${name}: "${text}" must be a whole number of at least ${min}`);
    process.exit(2);
  }
  return n;
}

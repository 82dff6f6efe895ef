/**
 * Generators of the property tests: hostile text and arbitrary JSON, as a
 * SciCat server (or a user) could send them, and checks every test applies.
 */
import fc from "fast-check";

/** Text meant to break things: markup, paths, control characters, dates that do not exist, lone surrogates. */
export const HOSTILE_STRINGS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\"'><script>alert(2)</script>",
  "</td></tr></table><script>x</script>",
  "../../etc/passwd",
  "/",
  "",
  " ",
  "now",
  "2024-02-30",
  "2024-05-29T24:00:00Z",
  "\u0000\u001b[31m\r\n",
  "\ud800",
  "data:image/png;base64,<img src=x>",
  "__proto__",
  "constructor",
] as const;

/** Any string: hostile ones, arbitrary code points (lone surrogates included), and now and then a long one. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => "<script>".repeat(Math.ceil(n / 8))) },
);

/** Any JSON value, with hostile strings at every level. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    anyString,
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2),
    fc.integer(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** A JSON object with arbitrary keys and values. */
export const anyObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(anyString, anyJson, { maxKeys: 4 });

/**
 * `base` with some of its keys removed, some replaced by arbitrary JSON and
 * some unknown keys added: "missing, extra and wrong-typed fields".
 */
export function mutated(base: Record<string, unknown>, values: fc.Arbitrary<unknown> = anyJson): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(base);
  return fc
    .record({
      removed: fc.subarray(keys, { maxLength: 3 }),
      replaced: fc.dictionary(fc.constantFrom(...keys), values, { maxKeys: 3 }),
      extra: fc.dictionary(anyString, values, { maxKeys: 2 }),
    })
    .map(({ removed, replaced, extra }) => {
      const result: Record<string, unknown> = { ...base };
      for (const key of removed) delete result[key];
      // defineProperty, so that a key named __proto__ is a plain key as JSON.parse makes it.
      for (const [key, value] of [...Object.entries(extra), ...Object.entries(replaced)]) {
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return result;
    });
}

/** Errors a read or a display must never raise: the engine's own, thrown from inside the library. */
export function isInternalCrash(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError;
}

/**
 * Fails if `markup` holds a script element or an image that the library did
 * not make itself (it makes only `<img class="cean-thumbnail-image" …>`):
 * markup in values must arrive escaped.
 */
export function expectNoInjectedMarkup(markup: string): void {
  if (/<script/i.test(markup)) throw new Error(`unescaped <script in: ${markup.slice(Math.max(0, markup.search(/<script/i) - 80), markup.search(/<script/i) + 80)}`);
  for (const match of markup.matchAll(/<img/gi)) {
    const at = match.index ?? 0;
    if (!markup.startsWith('<img class="cean-thumbnail-image" src="', at)) {
      throw new Error(`an <img that the library did not make: ${markup.slice(Math.max(0, at - 80), at + 80)}`);
    }
  }
}

/** Property runs: modest, so the suite stays quick; `PROPERTY_RUNS` raises them for a deeper search. */
export const runs = (n: number): number => Number(process.env["PROPERTY_RUNS"] ?? n);

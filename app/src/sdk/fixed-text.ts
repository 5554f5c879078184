// The program stores bounded text as `FixedStr<N>` (a length byte, then N bytes of which the
// first `len` are UTF-8). Anchor decodes it as `{ len, bytes }`; this is the one place that
// turns it back into text.

/** Anchor's decoding of a `FixedStr<N>`. */
export interface FixedText {
  len: number;
  bytes: number[];
}

/** The text a `FixedStr<N>` holds. */
export function fixedText(value: FixedText): string {
  return Buffer.from(value.bytes.slice(0, value.len)).toString("utf8");
}

/** The registry's category catalogue as names; index = category bit. */
export function catalogueNames(registry: { categories: FixedText[]; categoryCount: number }): string[] {
  return registry.categories.slice(0, registry.categoryCount).map(fixedText);
}

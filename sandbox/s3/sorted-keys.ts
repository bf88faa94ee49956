/**
 * The object keys of one bucket in S3's listing order (lexicographic by UTF-8 bytes), kept sorted
 * on every insert so a listing page is a binary search plus a walk, never a sort per request.
 */

/**
 * Compares two strings by the UTF-8 byte order of their encodings without encoding them. UTF-16
 * code-unit order differs from code-point (= UTF-8 byte) order only where a surrogate (U+D800..DFFF)
 * meets a unit at or above U+E000, so those units are shifted to restore code-point order.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A map from key to value whose keys can be walked in UTF-8 byte order from any position. */
export class SortedKeyMap<V> {
  private readonly values = new Map<string, V>();
  private readonly keys: string[] = [];

  get size(): number {
    return this.values.size;
  }

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  set(key: string, value: V): void {
    if (!this.values.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.values.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.values.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Index of the first key that is not less than `key`. */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareUtf8(this.keys[mid]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Index of the first key greater than `key`. */
  upperBound(key: string): number {
    const index = this.lowerBound(key);
    return this.keys[index] === key ? index + 1 : index;
  }

  /** Index of the first key after `from` that does not start with `prefix` (keys sharing a prefix are contiguous). */
  endOfPrefix(prefix: string, from: number): number {
    let low = from;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid]!.startsWith(prefix)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  keyAt(index: number): string | undefined {
    return this.keys[index];
  }

  /** Entries in key order. */
  *entries(): IterableIterator<[string, V]> {
    for (const key of this.keys) yield [key, this.values.get(key)!];
  }

  *valuesInOrder(): IterableIterator<V> {
    for (const key of this.keys) yield this.values.get(key)!;
  }
}

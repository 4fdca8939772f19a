/**
 * Values computed from a key and kept for the next time it is asked for, up to `limit` keys: beyond it, every kept
 * value is forgotten at once. For strings built from a few shapes on every request (SQL texts): a limit far above
 * the shapes a server runs keeps them all, and keeps memory bounded whatever the requests.
 */
export function keptResults<V>(limit: number): (key: string, compute: () => V) => V {
  const kept = new Map<string, V>();
  return (key, compute) => {
    if (kept.has(key)) return kept.get(key) as V;
    if (kept.size >= limit) kept.clear();
    const value = compute();
    kept.set(key, value);
    return value;
  };
}

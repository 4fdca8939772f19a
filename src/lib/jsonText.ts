/** What a JSON text holds that a request must not: found by inspectJsonText before anything parses it. */
export type JsonTextProblem = { problem: 'too_deep'; depth: number } | { problem: 'nul'; at: number };

/**
 * One pass over a JSON text, without parsing it: how deep its arrays and objects nest (a body nested 10,000 levels
 * deep would overflow any recursive walk of the parsed value), and whether a string holds the escape `\u0000` (NUL,
 * which PostgreSQL cannot store and SQLite would). Unescaped control characters are not looked for: JSON.parse
 * refuses them. Undefined when the text is within `maxDepth` and holds no NUL.
 */
export function inspectJsonText(text: string, maxDepth: number): JsonTextProblem | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.charCodeAt(i + 1) === 0x75 /* u */ && text.startsWith('0000', i + 2)) return { problem: 'nul', at: i };
        i += 1;
      } else if (c === 0x22 /* " */) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return { problem: 'too_deep', depth };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  return undefined;
}

/** A lone UTF-16 surrogate: text no database can store as sent (it is not Unicode; UTF-8 cannot encode it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What in a parsed value (keys included) no attribute may hold: a NUL character (PostgreSQL cannot store one and
 * SQLite would) or a lone surrogate (SQLite would store U+FFFD instead, PostgreSQL refuses it). Iterative, so any
 * depth is safe. Undefined when every string is fine.
 */
export function badText(value: unknown): 'nul' | 'lone surrogate' | undefined {
  const stack: unknown[] = [value];
  const check = (text: string) => (text.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(text) ? 'lone surrogate' : undefined);
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      const problem = check(item);
      if (problem) return problem;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        const problem = check(key);
        if (problem) return problem;
        stack.push(element);
      }
    }
  }
  return undefined;
}

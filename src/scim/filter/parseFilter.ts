import { badRequest, type ScimProblem } from '../problem.js';
import { COMPARE_OPS, type CompareOp, type FilterNode, type FilterValue } from './ast.js';

/**
 * A recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2). Precedence, highest first: grouping and `not`,
 * then `and`, then `or`. Strings are JSON strings (escapes included); operators and keywords ignore case.
 * scimmy's own parser is not used here: it distributes `not` over groups without De Morgan and rejects escaped quotes.
 */
export interface FilterLimits {
  /** Longest filter accepted, in characters. */
  maxLength: number;
  /** Most comparisons a filter may hold; more answers 400 invalidFilter. */
  maxTerms: number;
  /** Deepest nesting of groups, `not` and value filters (SQLite refuses expressions nested about 1,000 deep). */
  maxDepth: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxLength: 4096, maxTerms: 64, maxDepth: 16 };

type Token =
  | { type: '(' | ')' | '[' | ']'; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'word'; value: string; at: number };

const STRING = /"(?:[^"\\\p{Cc}]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/uy;
const WORD = /[^\s()[\]"]+/y;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function invalid(message: string): ScimProblem {
  return badRequest('invalidFilter', message);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, at: i });
      i += 1;
    } else if (c === '"') {
      STRING.lastIndex = i;
      const match = STRING.exec(text);
      if (!match) throw invalid(`The filter has an unterminated or malformed string at character ${i + 1}.`);
      const value = JSON.parse(match[0]) as string;
      if (value.includes('\u0000')) throw invalid(`The string at character ${i + 1} of the filter holds a NUL character (\\u0000), which no attribute can contain.`);
      tokens.push({ type: 'string', value, at: i });
      i = STRING.lastIndex;
    } else {
      WORD.lastIndex = i;
      const match = WORD.exec(text) as RegExpExecArray;
      tokens.push({ type: 'word', value: match[0], at: i });
      i = WORD.lastIndex;
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  #terms = 0;
  #depth = 0;

  /** Runs `inner` one level deeper, refusing a filter nested beyond the limit. */
  private nested<T>(inner: () => T): T {
    this.#depth += 1;
    if (this.#depth > this.limits.maxDepth) throw invalid(`The filter nests groups, "not" and value filters deeper than ${this.limits.maxDepth} levels.`);
    try {
      return inner();
    } finally {
      this.#depth -= 1;
    }
  }

  constructor(
    private readonly tokens: Token[],
    private readonly limits: FilterLimits,
  ) {}

  parse(): FilterNode {
    const node = this.or(false);
    const rest = this.tokens[this.#pos];
    if (rest) throw invalid(`Unexpected ${describe(rest)} at character ${rest.at + 1} of the filter.`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.value.toLowerCase() === word;
  }

  private expect(type: '(' | ')' | '[' | ']'): void {
    const token = this.peek();
    if (token?.type !== type) throw invalid(`Expected "${type}" ${token ? `but found ${describe(token)} at character ${token.at + 1}` : 'at the end'} of the filter.`);
    this.#pos += 1;
  }

  private or(inValuePath: boolean): FilterNode {
    let left = this.and(inValuePath);
    while (this.isKeyword('or')) {
      this.#pos += 1;
      left = { kind: 'or', left, right: this.and(inValuePath) };
    }
    return left;
  }

  private and(inValuePath: boolean): FilterNode {
    let left = this.unary(inValuePath);
    while (this.isKeyword('and')) {
      this.#pos += 1;
      left = { kind: 'and', left, right: this.unary(inValuePath) };
    }
    return left;
  }

  private unary(inValuePath: boolean): FilterNode {
    if (this.isKeyword('not')) {
      this.#pos += 1;
      // `not (…)` is one level, as written; a bare `not` (which RFC 7644 does not allow, but is read) is one too.
      if (this.peek()?.type === '(') {
        this.#pos += 1;
        const inner = this.nested(() => this.or(inValuePath));
        this.expect(')');
        return { kind: 'not', expr: inner };
      }
      return { kind: 'not', expr: this.nested(() => this.unary(inValuePath)) };
    }
    if (this.peek()?.type === '(') {
      this.#pos += 1;
      const inner = this.nested(() => this.or(inValuePath));
      this.expect(')');
      return inner;
    }
    return this.attributeExpression(inValuePath);
  }

  private attributeExpression(inValuePath: boolean): FilterNode {
    const token = this.peek();
    if (token?.type !== 'word') throw invalid(token ? `Expected an attribute name but found ${describe(token)} at character ${token.at + 1} of the filter.` : 'The filter ends where an attribute name was expected.');
    this.#pos += 1;
    const path = token.value;
    if (this.peek()?.type === '[') {
      if (inValuePath) throw invalid('A value filter ("[...]") cannot contain another one.');
      this.#pos += 1;
      const inner = this.nested(() => this.or(true));
      this.expect(']');
      const next = this.peek();
      if (next?.type === 'word' && next.value.startsWith('.')) {
        // emails[type eq "work"].value eq "x": the comparison applies to the same element.
        this.#pos += 1;
        const sub = this.comparison(next.value.slice(1));
        return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: sub } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.comparison(path);
  }

  private comparison(path: string): FilterNode {
    if (!path) throw invalid('The filter has an empty attribute name.');
    const opToken = this.peek();
    if (opToken?.type !== 'word') throw invalid(`Expected an operator after "${path}" in the filter.`);
    this.#pos += 1;
    this.#terms += 1;
    if (this.#terms > this.limits.maxTerms) throw invalid(`The filter has more than ${this.limits.maxTerms} comparisons; split the request.`);
    const op = opToken.value.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!(COMPARE_OPS as readonly string[]).includes(op)) throw invalid(`"${opToken.value}" is not a filter operator; use one of eq, ne, co, sw, ew, gt, lt, ge, le, pr.`);
    return { kind: 'compare', path, op: op as CompareOp, value: this.value(path) };
  }

  private value(path: string): FilterValue {
    const token = this.peek();
    if (!token) throw invalid(`The filter ends where a value for "${path}" was expected.`);
    this.#pos += 1;
    if (token.type === 'string') return token.value;
    if (token.type === 'word') {
      const word = token.value.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      if (NUMBER.test(token.value)) return Number(token.value);
    }
    throw invalid(`The value of "${path}" must be a quoted string, a number, true, false or null; found ${describe(token)}.`);
  }
}

function describe(token: Token): string {
  if (token.type === 'word') return `"${token.value}"`;
  if (token.type === 'string') return `the string ${JSON.stringify(token.value)}`;
  return `"${token.type}"`;
}

export function parseFilter(text: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): FilterNode {
  if (typeof text !== 'string' || text.trim() === '') throw invalid('The filter is empty.');
  if (text.length > limits.maxLength) throw invalid(`The filter is longer than ${limits.maxLength} characters.`);
  return new Parser(tokenize(text), limits).parse();
}

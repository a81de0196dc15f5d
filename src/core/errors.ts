import { describeHidden, isSecretKey, NotSecret, redactText } from './redact.js';

/**
 * One error type for the whole engine. The domain says whose fault it is (what the CLI maps to exit codes),
 * `retriable` says whether trying again can help, and SQL errors carry the line and column in the user's text.
 */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface DirkErrorOptions {
  readonly domain?: ErrorDomain;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly position?: SourcePosition;
  /** Config key path such as `STREAMS[0].INPUT_SCHEMA_TABLE`. */
  readonly key?: string;
}

export class DirkError extends Error {
  readonly domain: ErrorDomain;
  readonly retriable: boolean;
  readonly position: SourcePosition | undefined;
  readonly key: string | undefined;

  constructor(message: string, options: DirkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DirkError';
    this.domain = options.domain ?? 'internal';
    this.retriable = options.retriable ?? false;
    this.position = options.position;
    this.key = options.key;
  }
}

/** A mistake in the job config: names the key, what was expected and what was found. */
export class ConfigError extends DirkError {
  constructor(key: string, expected: string, found: unknown, hint?: string) {
    // A secret key's value is described by its shape only, whatever its type (a password given as an array too).
    const secret = isSecretKey(key);
    const shown = found instanceof NotSecret ? describeFound(found.value) : secret ? describeHidden(found) : describeFound(found);
    const note = hint ? ` (${secret ? redactText(hint) : hint})` : '';
    super(`config ${key}: expected ${expected}, found ${shown}${note}`, {
      domain: 'user',
      key,
    });
    this.name = 'ConfigError';
  }
}

/** A SQL parse, bind or planning error at a line and column of the user's query. */
export class SqlError extends DirkError {
  constructor(message: string, position?: SourcePosition, cause?: unknown) {
    const where = position ? ` ${positionText(position)}` : '';
    super(`SQL error${where}: ${message}`, {
      domain: 'user',
      ...(position ? { position } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'SqlError';
  }
}

/** `at line L, column C`: how every error names a place in the user's SQL text. */
export function positionText(pos: SourcePosition): string {
  return `at line ${pos.line}, column ${pos.column}`;
}

/**
 * A runtime failure of a SQL expression (division by zero, a failed CAST, a throwing function), named by
 * where the expression is written. Errors that already carry a position, and non-DirkErrors, pass unchanged.
 */
export function atSqlPosition(error: unknown, pos: SourcePosition | undefined): unknown {
  if (pos === undefined || !(error instanceof DirkError) || error.position !== undefined) return error;
  return new DirkError(`${positionText(pos)}: ${error.message}`, {
    domain: error.domain,
    retriable: error.retriable,
    cause: error,
    position: pos,
  });
}

/** A record that could not be decoded: data, not a crash; routed by the stream's bad-record policy. */
export class DecodeError extends DirkError {
  constructor(message: string, cause?: unknown) {
    super(message, { domain: 'user', ...(cause === undefined ? {} : { cause }) });
    this.name = 'DecodeError';
  }
}

export function userError(message: string, options: Omit<DirkErrorOptions, 'domain'> = {}): DirkError {
  return new DirkError(message, { ...options, domain: 'user' });
}

export function externalError(message: string, options: Omit<DirkErrorOptions, 'domain'> = {}): DirkError {
  return new DirkError(message, { retriable: true, ...options, domain: 'external' });
}

/** Node's codes for a network failure that may pass (a peer restarting, a brief partition, DNS catching up). */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** A Kafka producer fenced by a newer one with its transactional id (another instance of the job took over). */
function fenced(e: Error): boolean {
  const type = (e as { type?: unknown }).type;
  return (typeof type === 'string' && /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(type)) || /\bfenced\b|newer producer with the same transactional/i.test(e.message);
}

/**
 * Whether trying again may help: the one rule for in-process restarts (job/restarts.ts), the writes of a
 * scaled-out job (repartition and changelog topics) and the exactly-once commit path. Read along the cause
 * chain (at most a few links), the first answer wins:
 *
 * - a DirkError gives its own verdict: external and retriable (a user or internal error never passes by itself,
 *   and a refused write, e.g. HTTP 4xx, is refused again);
 * - a fenced Kafka producer: no (another producer with the transactional id took over; fighting back would
 *   fence it in turn);
 * - any other Kafka client error (kafkajs names them KafkaJS...): yes, it has already retried what it can
 *   and gave up on a broker it could not reach, an expired session or a rebalance, which a restart gets past;
 * - a Node network error (ECONNREFUSED, ECONNRESET, ETIMEDOUT...): yes;
 * - an error wrapping another (`cause`) is read with its causes;
 * - anything else (a bug, a bad value): no.
 */
export function mayRetry(e: unknown): boolean {
  const chain: Error[] = [];
  for (let x: unknown = e; x instanceof Error && chain.length < 8; x = x.cause) chain.push(x);
  let kafka = false;
  let network = false;
  for (const x of chain) {
    if (x instanceof DirkError) return x.domain === 'external' && x.retriable;
    // kafkajs wraps the broker's answer (e.g. a fencing) in a non-retriable error: the whole chain counts.
    if (fenced(x)) return false;
    if (x.name.startsWith('KafkaJS')) kafka = true;
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) network = true;
  }
  return kafka || network;
}

export function isUserError(e: unknown): e is DirkError {
  return e instanceof DirkError && e.domain === 'user';
}

export function describeFound(found: unknown): string {
  if (found === undefined) return 'nothing (the key is missing)';
  if (found === null) return 'null';
  if (typeof found === 'string') return `"${found.length > 80 ? `${found.slice(0, 77)}...` : found}"`;
  if (typeof found === 'object') {
    const s = JSON.stringify(found);
    return `${Array.isArray(found) ? 'an array' : 'an object'} ${s.length > 80 ? `${s.slice(0, 77)}...` : s}`;
  }
  return `${typeof found} ${String(found)}`;
}

/** The closest of `candidates` to `word` by edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toUpperCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toUpperCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers for the control-plane API: JSON in and out, bounded bodies, field-naming 400s. */

export const MAX_BODY_BYTES = 1 << 20;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 1);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The request body parsed as JSON; 413 past MAX_BODY_BYTES, 400 (with line context) when not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'body: expected a JSON object, found an empty body');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, `body: not valid JSON (${(e as Error).message})`);
  }
}

type FieldType = 'string' | 'boolean' | 'object' | 'array' | 'number';

export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Checks a body against field specs; every problem names the field (`body.config`). Unknown fields are errors. */
export function checkBody<T>(body: unknown, spec: Readonly<Record<string, FieldSpec>>): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, `body: expected a JSON object, found ${kindOf(body)}`);
  }
  const problems: string[] = [];
  const obj = body as Record<string, unknown>;
  for (const [name, f] of Object.entries(spec)) {
    const v = obj[name];
    if (v === undefined) {
      if (f.required) problems.push(`body.${name}: required (${f.type})`);
      continue;
    }
    const ok =
      f.type === 'array' ? Array.isArray(v) : f.type === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v) : typeof v === f.type;
    if (!ok) problems.push(`body.${name}: expected ${f.type === 'array' || f.type === 'object' ? `an ${f.type}` : `a ${f.type}`}, found ${kindOf(v)}`);
  }
  for (const name of Object.keys(obj)) {
    if (!(name in spec)) problems.push(`body.${name}: unknown field (expected one of ${Object.keys(spec).join(', ')})`);
  }
  if (problems.length) throw new HttpError(400, problems[0]!, problems);
  return obj as T;
}

export function queryFlag(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  return v === '' || v === 'true' || v === '1';
}

export function queryInt(url: URL, name: string, fallback: number, max: number): number {
  const v = url.searchParams.get(name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, `query ${name}: expected a positive integer, found "${v}"`);
  return Math.min(n, max);
}

/**
 * google.protobuf.Struct / Value / ListValue <-> JSON, on the wire, without protobufjs.
 *
 * SQL sees these as STRING: Struct and ListValue as JSON text; Value as Dagger shows it (a string value
 * as itself, a number or boolean as its text, null as "null", a struct or list as JSON text).
 */
import { DecodeError, userError } from '../core/errors.js';
import type { Reader, Writer } from './wire.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new DecodeError('malformed google.protobuf.Struct/Value');
}

export function readStruct(r: Reader, end: number): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  while (r.pos < end) {
    const t = r.uint32();
    if (t === 0x0a) {
      // map<string, Value> entry
      const e = r.delimited();
      let k = '';
      let v: Json = null;
      while (r.pos < e) {
        const t2 = r.uint32();
        if (t2 === 0x0a) k = r.string();
        else if (t2 === 0x12) v = readValue(r, r.delimited());
        else {
          r.checkTag(t2);
          r.skip(t2);
        }
      }
      checkEnd(r, e);
      out[k] = v;
    } else {
      r.checkTag(t);
      r.skip(t);
    }
  }
  checkEnd(r, end);
  return out;
}

export function readList(r: Reader, end: number): Json[] {
  const out: Json[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === 0x0a) out.push(readValue(r, r.delimited()));
    else {
      r.checkTag(t);
      r.skip(t);
    }
  }
  checkEnd(r, end);
  return out;
}

/** undefined when no kind is set. */
export function readValue(r: Reader, end: number): Json {
  let v: Json = null;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case 0x08:
        r.uint32();
        v = null;
        break;
      case 0x11:
        v = r.double();
        break;
      case 0x1a:
        v = r.string();
        break;
      case 0x20:
        v = r.bool();
        break;
      case 0x2a:
        v = readStruct(r, r.delimited());
        break;
      case 0x32:
        v = readList(r, r.delimited());
        break;
      default:
        r.checkTag(t);
        r.skip(t);
    }
  }
  checkEnd(r, end);
  return v;
}

export function structToSql(r: Reader, end: number): string {
  return JSON.stringify(readStruct(r, end));
}

export function listToSql(r: Reader, end: number): string {
  return JSON.stringify(readList(r, end));
}

export function valueToSql(r: Reader, end: number): string {
  if (r.pos === end) return '';
  const v = readValue(r, end);
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  return JSON.stringify(v);
}

// ---- encoding ----

export function writeStruct(w: Writer, obj: { [k: string]: Json }): void {
  for (const [k, v] of Object.entries(obj)) {
    w.tag(1, 2);
    const s = w.beginLen();
    w.tag(1, 2);
    w.string(k);
    w.tag(2, 2);
    const s2 = w.beginLen();
    writeValue(w, v);
    w.endLen(s2);
    w.endLen(s);
  }
}

export function writeList(w: Writer, arr: Json[]): void {
  for (const v of arr) {
    w.tag(1, 2);
    const s = w.beginLen();
    writeValue(w, v);
    w.endLen(s);
  }
}

export function writeValue(w: Writer, v: Json): void {
  if (v === null) {
    w.tag(1, 0);
    w.uint32(0);
  } else if (typeof v === 'number') {
    w.tag(2, 1);
    w.double(v);
  } else if (typeof v === 'string') {
    w.tag(3, 2);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.tag(4, 0);
    w.uint32(v ? 1 : 0);
  } else if (Array.isArray(v)) {
    w.tag(6, 2);
    const s = w.beginLen();
    writeList(w, v);
    w.endLen(s);
  } else {
    w.tag(5, 2);
    const s = w.beginLen();
    writeStruct(w, v);
    w.endLen(s);
  }
}

function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw userError(`cannot write ${what}: not valid JSON text (${(e as Error).message})`);
  }
}

/** SQL value → Struct body. Accepts JSON text, a plain object or a Map. */
export function sqlToStruct(w: Writer, v: unknown, what: string): void {
  const obj = typeof v === 'string' ? parseJson(v, what) : v instanceof Map ? Object.fromEntries(v) : v;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw userError(`cannot write ${what}: expected a JSON object for google.protobuf.Struct`);
  }
  writeStruct(w, obj as { [k: string]: Json });
}

export function sqlToList(w: Writer, v: unknown, what: string): void {
  const arr = typeof v === 'string' ? parseJson(v, what) : v;
  if (!Array.isArray(arr)) throw userError(`cannot write ${what}: expected a JSON array for google.protobuf.ListValue`);
  writeList(w, arr as Json[]);
}

/** As Dagger: a string that parses as JSON becomes that JSON value, any other string a string value. */
export function sqlToValue(w: Writer, v: unknown): void {
  if (typeof v === 'string') {
    let parsed: Json;
    try {
      parsed = JSON.parse(v) as Json;
    } catch {
      parsed = v;
    }
    writeValue(w, parsed);
    return;
  }
  if (typeof v === 'bigint') writeValue(w, Number(v));
  else writeValue(w, v as Json);
}

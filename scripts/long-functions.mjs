#!/usr/bin/env node
// Lists functions in src/ longer than the limit (default 150 lines), with the TypeScript compiler API.
// Part of `npm run lint`: exits 1 when it lists any. A function that is a data table (a literal the code
// reads, not logic) may be exempted by a comment `// lint: data table` on the line before it.
// Usage: node scripts/long-functions.mjs [--max N] [dir ...]
//
// KNOWN lists the functions still over the limit, each with the length it may not exceed: they are reported
// but pass, and shrink out of the list as they are split. Nothing may be added to it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
let max = 150;
const maxAt = args.indexOf('--max');
if (maxAt >= 0) {
  max = Number(args[maxAt + 1]);
  args.splice(maxAt, 2);
}
const roots = args.length > 0 ? args : ['src'];
// Functions allowed over the limit for now, each with the length it may not exceed (none today).
const KNOWN = new Map([]);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

function nameOf(node, sf) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
  if (p && ts.isPropertyDeclaration(p)) return p.name.getText(sf);
  return '(anonymous)';
}

function exempt(node, sf, text) {
  let start = node.getStart(sf);
  // The comment may sit before the declaration that holds the function.
  for (let p = node.parent; p && (ts.isVariableDeclaration(p) || ts.isVariableDeclarationList(p) || ts.isVariableStatement(p) || ts.isPropertyAssignment(p)); p = p.parent) start = p.getStart(sf);
  const line = sf.getLineAndCharacterOfPosition(start).line;
  const before = text.split('\n')[line - 1] ?? '';
  return /lint: data table/.test(before);
}

const found = [];
for (const root of roots) {
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const from = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const to = sf.getLineAndCharacterOfPosition(node.end).line;
        const lines = to - from + 1;
        if (lines > max && !exempt(node, sf, text)) found.push({ file: relative('.', file), line: from + 1, name: nameOf(node, sf), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}
found.sort((a, b) => b.lines - a.lines);
const failing = [];
for (const f of found) {
  const known = KNOWN.get(`${f.file} ${f.name}`);
  const ok = known !== undefined && f.lines <= known;
  console.log(`${f.file}:${f.line}  ${f.name}  ${f.lines} lines${ok ? ` (known, at most ${known}: to split)` : ''}`);
  if (!ok) failing.push(f);
}
if (failing.length > 0) {
  console.error(`${failing.length} function(s) over ${max} lines: split them along their seams (or mark a data table with "// lint: data table")`);
  process.exit(1);
}

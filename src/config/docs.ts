import { describeConfigKeys } from './defaults.js';

export const DOCS_BEGIN = '<!-- BEGIN GENERATED: config keys (src/config/defaults.ts) -->';
export const DOCS_END = '<!-- END GENERATED: config keys -->';

/** The key reference of docs/configuration.md: one table per group, in the order of defaults.ts. */
export function renderConfigReference(): string {
  const groups = new Map<string, ReturnType<typeof describeConfigKeys>>();
  for (const k of describeConfigKeys()) {
    const title = k.scope === 'stream' ? `STREAMS[]: ${k.group}` : k.group;
    const list = groups.get(title) ?? [];
    list.push(k);
    groups.set(title, list);
  }
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out: string[] = [DOCS_BEGIN, ''];
  for (const [title, keys] of groups) {
    out.push(`### ${title}`, '', '| key | type | default | description | Dagger difference |', '|---|---|---|---|---|');
    for (const k of keys) {
      out.push(`| \`${cell(k.key)}\` | ${cell(k.type)} | ${cell(formatDefault(k.default))} | ${cell(k.description)} | ${cell(k.dagger ?? '')} |`);
    }
    out.push('');
  }
  out.push(DOCS_END);
  return out.join('\n');
}

function formatDefault(d: string): string {
  if (d === '-' || d.startsWith('required')) return d;
  const m = /^(.*?) (\(required .*\))$/.exec(d);
  return m ? `\`${m[1]}\` ${m[2]}` : `\`${d}\``;
}

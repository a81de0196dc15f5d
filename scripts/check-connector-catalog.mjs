/**
 * Lint: every folder under src/connectors is in the connector catalog (src/connectors/catalog.ts imports its
 * config from `./<folder>/`), or is named in the catalog's NOT_CATALOGUED with a reason. Read as text, so
 * lint needs no build; test/unit/connectors/catalog.test.ts checks the same through the modules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../src/connectors/', import.meta.url));
const catalog = readFileSync(`${root}catalog.ts`, 'utf8');
const notCatalogued = /NOT_CATALOGUED[^=]*=\s*\{([\s\S]*?)\n\};/.exec(catalog)?.[1] ?? '';
const missing = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .filter((f) => !catalog.includes(`from './${f}/`) && !new RegExp(`^\\s*'?${f}'?:`, 'm').test(notCatalogued));
if (missing.length > 0) {
  console.error(`src/connectors/catalog.ts does not list ${missing.map((f) => `src/connectors/${f}`).join(', ')}: add its config to SINK_CATALOG / SOURCE_CATALOG, or name it in NOT_CATALOGUED with the reason`);
  process.exit(1);
}

import { ConfigError } from '../core/errors.js';

/**
 * Every problem found in one job config, thrown together so the user can fix them in one pass.
 * It is a ConfigError itself (domain `user`, `key` = the first bad key), so callers that only know
 * ConfigError still handle it; `errors` holds each one. The message lists one error per line.
 */
export class ConfigErrors extends ConfigError {
  readonly errors: readonly ConfigError[];
  /** Warnings found in the same pass: printed with the errors, since a typo's "did you mean" explains a missing key. */
  readonly warnings: readonly string[];

  constructor(errors: readonly ConfigError[], source?: string, warnings: readonly string[] = []) {
    const first = errors[0];
    if (!first) throw new Error('internal error: ConfigErrors needs at least one error');
    super(first.key ?? '', '', undefined);
    this.name = 'ConfigErrors';
    this.errors = errors;
    this.warnings = warnings;
    const where = source ? ` in ${source}` : '';
    this.message =
      errors.length === 1
        ? `${first.message}${where ? ` (${where.trim()})` : ''}`
        : `${errors.length} config errors${where}:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`;
  }
}

/** Collects errors and warnings while a config is read, so one pass reports everything. */
export class Issues {
  readonly errors: ConfigError[] = [];
  readonly warnings: string[] = [];

  error(key: string, expected: string, found: unknown, hint?: string): void {
    const e = new ConfigError(key, expected, found, hint);
    // Two checks can reach the same conclusion (e.g. both side-topic policies need brokers): say it once.
    if (!this.errors.some((x) => x.message === e.message)) this.errors.push(e);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }
}

import { T, type Field, type Row } from '../../../core/types.js';
import { defineTransformer } from '../api.js';

interface Args {
  readonly targetColumnName: string;
}

/**
 * Dagger's ClearColumnTransformer: the target column becomes the empty string in every row. The column's
 * type becomes STRING (Dagger writes "" whatever the column held), so a sink that expects a number there
 * is reported when the job is built rather than failing on the first record.
 */
export const ClearColumnTransformer = defineTransformer<Args, number>({
  name: 'ClearColumnTransformer',
  description: 'Sets one column to the empty string in every row (the column becomes STRING).',
  places: ['post', 'pre'],
  rowMapping: 'map',
  arguments: {
    targetColumnName: { type: 'column', required: true, description: 'The column to clear.' },
  },
  outputSchema(input, ctx): Field[] {
    const i = ctx.column(ctx.args.targetColumnName);
    return input.map((f, j) => (j === i ? { name: f.name, type: T.STRING } : f));
  },
  open(ctx) {
    ctx.state = ctx.column(ctx.args.targetColumnName);
  },
  transform(rows, ctx): Row[] {
    const i = ctx.state;
    return rows.map((r) => {
      const out = r.slice();
      out[i] = '';
      return out;
    });
  },
  examples: [
    {
      title: 'Clear data1 after the SQL',
      config: { transformation_class: 'ClearColumnTransformer', transformation_arguments: { targetColumnName: 'data1' } },
      input: {
        columns: [
          { name: 'event_timestamp', type: 'TIMESTAMP' },
          { name: 'data1', type: 'STRING' },
          { name: 'data2', type: 'INT' },
        ],
        rows: [[1700000000000, 'secret', 7]],
      },
      output: [[1700000000000, '', 7]],
    },
  ],
});

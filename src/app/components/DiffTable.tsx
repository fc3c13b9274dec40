/**
 * Two versions of a session side by side, one row per field that differs
 * (rows from `diffContent`/`describeContent` in `../log-diff.ts`). Used by the
 * volunteer's attention screen and the coordinator's amendment requests.
 */
import type { DiffRow } from '../log-diff.ts';

export interface DiffColumn {
  header: string;
  value: (row: DiffRow) => string;
}

export function DiffTable(p: {
  caption: string;
  fieldHeader: string;
  columns: readonly DiffColumn[];
  rows: readonly DiffRow[];
  /** Turns a row's `fields.*` label key into text. */
  label: (key: string) => string;
}) {
  return (
    <div class="table-scroll">
      <table class="table diff">
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{p.fieldHeader}</th>
            {p.columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{p.label(r.label)}</th>
              {p.columns.map((c) => (
                <td key={c.header} class="notes">
                  {c.value(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A table of figures: a caption, a header row, and rows whose first cell
 * names the row (a `th`); a missing figure reads "—". Whatever is passed as
 * children (the export buttons) comes under it.
 */
import type { ComponentChildren } from 'preact';
import type { Cell } from '../export/csv.ts';

export function FigureTable(p: {
  caption: string;
  headers: readonly string[];
  rows: readonly (readonly Cell[])[];
  children?: ComponentChildren;
}) {
  return (
    <section class="data-table">
      <div class="table-scroll">
        <table class="table">
          <caption>{p.caption}</caption>
          <thead>
            <tr>
              {p.headers.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {c ?? '—'}
                    </th>
                  ) : (
                    <td key={j}>{c ?? '—'}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.children}
    </section>
  );
}

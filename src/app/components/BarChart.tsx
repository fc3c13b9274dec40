/**
 * A small horizontal bar chart in SVG, loaded only by the pages that draw
 * one (never on the volunteer's first screen). Decorative for screen
 * readers: every chart sits beside the table that holds its numbers.
 * No chart library: a bar chart is a few rectangles, and ours is 1 KB.
 */
export interface Bar {
  label: string;
  value: number;
  /** A second, lighter bar drawn over the first (e.g. completed of all). */
  part?: number;
}

const ROW = 28;
const LABEL = 180;
const WIDTH = 560;

export function BarChart({ bars, max }: { bars: readonly Bar[]; max?: number }) {
  const top = Math.max(1, max ?? Math.max(...bars.map((b) => b.value), 1));
  const span = WIDTH - LABEL - 60;
  return (
    <svg
      class="bar-chart"
      viewBox={`0 0 ${WIDTH} ${bars.length * ROW + 4}`}
      aria-hidden="true"
      focusable="false"
    >
      {bars.map((b, i) => {
        const y = i * ROW + 4;
        const w = (Math.min(b.value, top) / top) * span;
        const pw = b.part === undefined ? 0 : (Math.min(b.part, top) / top) * span;
        return (
          <g key={b.label}>
            <text x={LABEL - 8} y={y + 15} text-anchor="end" class="bar-label">
              {b.label.length > 26 ? `${b.label.slice(0, 25)}…` : b.label}
            </text>
            <rect x={LABEL} y={y} width={Math.max(w, 1)} height={ROW - 10} class="bar" />
            {b.part !== undefined && (
              <rect x={LABEL} y={y} width={Math.max(pw, 0)} height={ROW - 10} class="bar part" />
            )}
            <text x={LABEL + w + 6} y={y + 14} class="bar-value">
              {b.part === undefined ? b.value : `${b.part}/${b.value}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

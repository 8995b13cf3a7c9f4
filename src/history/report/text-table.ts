// Lays rows out as an aligned plain-text table (for terminals) or a Markdown table (for tickets and
// chat), from the same column definitions, so the two formats cannot drift apart.

export interface Column<Row> {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  cell: (row: Row) => string;
}

/** Columns padded to their widest cell, two spaces apart; no trailing spaces. */
export function textTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = [
    columns.map((column) => column.header),
    ...rows.map((row) => columns.map((column) => column.cell(row))),
  ];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  return cells.map((line) =>
    line
      .map((cell, index) =>
        columns[index]!.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!),
      )
      .join('  ')
      .trimEnd(),
  );
}

function escapeMarkdown(cell: string): string {
  return cell.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table, with the alignment row. */
export function markdownTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((column) => escapeMarkdown(column.header))),
    line(columns.map((column) => (column.align === 'right' ? '---:' : '---'))),
    ...rows.map((row) => line(columns.map((column) => escapeMarkdown(column.cell(row))))),
  ];
}

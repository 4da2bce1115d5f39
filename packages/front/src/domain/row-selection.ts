/**
 * The keyboard's selected row in the feed. Rows are held in a ring whose indexes shift as old
 * rows drop and history is prepended, so the selection is kept by id with the index it last
 * had as a hint: found there at once in the usual case, else looked up.
 */
export interface Selection {
  id: string;
  index: number;
}

export interface RowSource<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

/** Where `selection` is now, or undefined when its row has gone. */
export function locate<T extends { id: string }>(rows: RowSource<T>, selection: Selection): number | undefined {
  if (rows.at(selection.index)?.id === selection.id) return selection.index;
  for (let i = rows.length - 1; i >= 0; i--) if (rows.at(i)?.id === selection.id) return i;
  return undefined;
}

/**
 * The selection `step` selectable rows away (+1 newer, -1 older), stopping at the ends. With no
 * selection (or one whose row has gone) it starts on the newest selectable row.
 */
export function moveSelection<T extends { id: string }>(
  rows: RowSource<T>,
  selection: Selection | undefined,
  step: 1 | -1,
  selectable: (row: T) => boolean = () => true,
): Selection | undefined {
  const from = selection === undefined ? undefined : locate(rows, selection);
  if (from === undefined) {
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows.at(i);
      if (row !== undefined && selectable(row)) return { id: row.id, index: i };
    }
    return undefined;
  }
  for (let i = from + step; i >= 0 && i < rows.length; i += step) {
    const row = rows.at(i);
    if (row !== undefined && selectable(row)) return { id: row.id, index: i };
  }
  return { id: selection!.id, index: from };
}

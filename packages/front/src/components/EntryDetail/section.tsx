import type { ReactNode } from 'react';

/** One collapsible section of the detail (`data-section` names it for tests and links), open at first. */
export function Section({ name, title, note, children }: { name: string; title: ReactNode; note?: ReactNode; children: ReactNode }) {
  return (
    <details className="detail-section" open data-section={name}>
      <summary>
        {title}
        {note !== undefined && <> <span className="count">{note}</span></>}
      </summary>
      {children}
    </details>
  );
}

import { formatJson } from '../../domain/json-format.js';

/** JSON text indented, its tokens marked for colour (a JSON body, a message's raw JSON). */
export function JsonCode({ text }: { text: string }) {
  return (
    <pre className="body-code body-json">
      {formatJson(text).map((line, i) => (
        <div key={i}>
          {'  '.repeat(line.indent)}
          {line.tokens.map((t, j) => (
            <span key={j} className={`tok-${t.kind}`}>
              {t.text}
            </span>
          ))}
        </div>
      ))}
    </pre>
  );
}

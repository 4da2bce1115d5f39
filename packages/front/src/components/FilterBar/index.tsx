import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useDismiss } from '../App/use-dismiss.js';
import { applySuggestion, completionContext, suggestions, type Suggestion } from '../../domain/filter-completion.js';
import { FILTER_EXAMPLES } from '../../domain/filter-examples.js';
import { underlineRange } from '../../domain/filter-underline.js';
import type { FeedModel } from '../../domain/feed-model.js';
import type { HubApi } from '../../domain/hub-api.js';
import { SeenValues } from '../../domain/seen-values.js';
import { Highlight, Painted } from './highlight.js';
import { useQueryHistory } from './use-query-history.js';
import { useValidation } from './use-validation.js';
import './filter-bar.css';

type Popover = 'none' | 'history' | 'examples';

interface Props {
  /** The applied query (the URL's `q`): shown again whenever it changes, from here or elsewhere. */
  query: string;
  onApply: (query: string) => void;
  api: HubApi;
  /** The feed's rows: where the values offered after `variable ==` come from. */
  model: FeedModel;
}

/**
 * The query bar: CEL with KFL2 names, painted as typed, completed from the catalog and from the
 * values in the feed, checked by the hub while typing. Enter applies a query the hub accepts.
 */
export function FilterBar({ query, onApply, api, model }: Props) {
  const [draft, setDraft] = useState(query);
  const [caret, setCaret] = useState(query.length);
  const [scrollLeft, setScrollLeft] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const [selected, setSelected] = useState(0);
  const [popover, setPopover] = useState<Popover>('none');
  const input = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  useDismiss(root, popover !== 'none', useCallback(() => setPopover('none'), []));
  const [history, remember] = useQueryHistory();
  const { verdict, check } = useValidation(api, draft);

  useEffect(() => setDraft(query), [query]);

  const context = useMemo(() => completionContext(draft, caret), [draft, caret]);
  // Values are read from the feed when the list is shown, not on every row the feed takes.
  const offered = useMemo(
    () => (listOpen && context !== undefined ? suggestions(context, new SeenValues(model.entriesNewestFirst())) : []),
    [listOpen, context, model],
  );
  const error = verdict?.validation.error;
  const errorRange = error?.position !== undefined ? underlineRange(draft, error.position.offset) : undefined;

  const edit = (text: string, at: number) => {
    setDraft(text);
    setCaret(at);
    setSelected(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(at, at));
  };

  const choose = (s: Suggestion) => {
    if (context === undefined) return;
    const next = applySuggestion(draft, context, s);
    edit(next.text, next.caret);
  };

  // Enter on a suggestion that is already what is typed applies the query instead of re-inserting it.
  const alreadyTyped = (s: Suggestion) => context !== undefined && draft.slice(context.start, context.end) === s.insert;

  const apply = async (text: string) => {
    setListOpen(false);
    const v = verdict?.filter === text ? verdict : await check(text).catch(() => undefined);
    if (v === undefined || !v.validation.ok) return;
    remember(text);
    onApply(text.trim());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const listing = listOpen && offered.length > 0;
    if (listing && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setSelected((selected + step + offered.length) % offered.length);
    } else if (listing && (e.key === 'Tab' || (e.key === 'Enter' && !alreadyTyped(offered[selected]!)))) {
      e.preventDefault();
      choose(offered[selected]!);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void apply(draft);
    } else if (e.key === 'Escape') {
      setListOpen(false);
      setPopover('none');
    } else if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      setListOpen(true);
    }
  };

  const syncCaret = () => {
    const el = input.current!;
    setCaret(el.selectionStart ?? el.value.length);
    setScrollLeft(el.scrollLeft);
  };

  const state = error !== undefined ? 'invalid' : draft !== query ? 'edited' : 'applied';
  return (
    <div className={`filter-bar filter-${state}`} ref={root}>
      <div className="filter-field">
        <Highlight text={draft} error={errorRange} scrollLeft={scrollLeft} />
        <input
          ref={input}
          className="filter-input"
          data-testid="filter-input"
          data-shortcut="filter"
          spellCheck={false}
          autoComplete="off"
          placeholder='Filter (CEL): http && status_code >= 500 — Enter applies, Ctrl+Space completes'
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setSelected(0);
            setListOpen(true);
            syncCaret();
          }}
          onSelect={syncCaret}
          onScroll={syncCaret}
          onKeyDown={onKeyDown}
          onBlur={() => setListOpen(false)}
        />
        {listOpen && offered.length > 0 && (
          <ul className="filter-suggestions" role="listbox" data-testid="filter-suggestions">
            {offered.map((s, i) => (
              <li
                key={s.label}
                role="option"
                aria-selected={i === selected}
                className={i === selected ? 'selected' : undefined}
                // mousedown, not click: the input keeps focus and its caret.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(s);
                }}
              >
                <span className="suggestion-label">{s.label}</span>
                <span className="suggestion-detail">{s.detail}</span>
                <span className="suggestion-description">{s.description}</span>
              </li>
            ))}
          </ul>
        )}
        {error !== undefined && (
          <div className="filter-message" role="alert" data-testid="filter-error">
            {error.position !== undefined && <span className="filter-message-where">col {error.position.column}</span>}
            {error.message}
          </div>
        )}
      </div>
      <button className="filter-button" title="Applied queries" data-testid="filter-history-button" onClick={() => setPopover(popover === 'history' ? 'none' : 'history')}>
        History
      </button>
      <button className="filter-button" title="Example filters" data-testid="filter-examples-button" onClick={() => setPopover(popover === 'examples' ? 'none' : 'examples')}>
        Examples
      </button>
      {popover === 'history' && (
        <ul className="filter-popover" data-testid="filter-history">
          {history.length === 0 && <li className="filter-popover-empty">No query applied yet</li>}
          {history.map((q) => (
            <li
              key={q}
              onClick={() => {
                setPopover('none');
                edit(q, q.length);
                void apply(q);
              }}
            >
              <code>
                <Painted text={q} />
              </code>
            </li>
          ))}
        </ul>
      )}
      {popover === 'examples' && (
        <ul className="filter-popover" data-testid="filter-examples">
          {FILTER_EXAMPLES.map((x) => (
            <li
              key={x.filter}
              onClick={() => {
                setPopover('none');
                edit(x.filter, x.filter.length);
                input.current?.focus();
              }}
            >
              <code>
                <Painted text={x.filter} />
              </code>
              <span className="filter-popover-meaning">{x.meaning}</span>
            </li>
          ))}
          <li className="filter-popover-footer">Variables and functions: docs/filter.md</li>
        </ul>
      )}
    </div>
  );
}

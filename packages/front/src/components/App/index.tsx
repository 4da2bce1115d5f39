import { useState } from 'react';
import { LiveFeed } from '../LiveFeed/index.js';
import { StatusBar } from '../StatusBar/index.js';
import { useFeed } from './use-feed.js';

function initialQuery(): string {
  return new URLSearchParams(location.search).get('q') ?? '';
}

export function App() {
  const [query] = useState(initialQuery);
  const { model, controller } = useFeed(query);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Shoal</span>
      </header>
      <LiveFeed model={model} onTop={() => void controller.loadOlder()} />
      <StatusBar model={model} />
    </div>
  );
}

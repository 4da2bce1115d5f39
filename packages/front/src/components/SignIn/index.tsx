import { useState, type FormEvent } from 'react';
import { signIn } from '../../domain/front-session.js';
import { ThemeToggle } from '../ThemeToggle/index.js';
import './sign-in.css';

/**
 * The token form, shown instead of the dashboard until the page is signed in. The token is
 * posted by fetch (the page has no inline script under its Content-Security-Policy); the front
 * answers with the session cookie, which the page's scripts never see.
 */
export function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    signIn((url, init) => fetch(url, init), token.trim())
      .then((result) => {
        if (result.ok) onSignedIn();
        else setError(result.message);
      })
      .catch((err: Error) => setError(`The dashboard cannot be reached: ${err.message}`))
      .finally(() => setBusy(false));
  };
  return (
    <main className="sign-in" data-testid="sign-in">
      <form className="sign-in-card" onSubmit={submit}>
        <div className="sign-in-head">
          <span className="brand">Shoal</span>
          <ThemeToggle />
        </div>
        <p>
          This dashboard shows captured traffic, credentials included, so it asks who you are. Open the link printed by <code>shoal local</code>,{' '}
          <code>shoal view</code> or <code>shoal lab up</code>, or paste its token here.
        </p>
        <label>
          Token
          <input type="password" name="token" autoComplete="off" autoFocus value={token} onChange={(e) => setToken(e.target.value)} data-testid="sign-in-token" />
        </label>
        {error !== undefined && (
          <p className="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}

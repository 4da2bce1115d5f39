/**
 * Sent with every answer of the front, files, errors and the hub's answers alike.
 *
 * The Content-Security-Policy allows only the dashboard's own files: Vite's build has no inline
 * script or style (React sets styles through the CSSOM, which `style-src` does not govern), the
 * page talks to its own origin only (`connect-src 'self'` covers its WebSocket: CSP Level 3
 * §6.7.2.9), images of bodies are shown from `data:` URLs, and no page may frame it
 * (`frame-ancestors 'none'`, with X-Frame-Options for browsers without CSP 2).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Another site's page cannot hold a window on the dashboard, nor load its answers as resources.
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Why a webhook URL is refused, or undefined when it may be used. */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as https://example.org/hook';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  // Credentials in the URL would be shown in the list and in logs; the signature authenticates.
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  return undefined;
}

/**
 * The URL as logs and errors may show it: scheme, host and path. Query strings often carry a
 * receiver's token, so they never reach a log line.
 */
export function loggableUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(invalid url)';
  }
}

/**
 * CORS: any origin may call (credentials travel in Nano-Api-Key or
 * Authorization, set by the page itself, never in cookies, so a page only gets
 * what its own key allows), and the preflight allows the two Nano headers the
 * reference gateway forgets, and Authorization.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
};

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Authorization, Nano-Api-Key, Nano-Correlation-Id',
  'access-control-max-age': '600',
  vary: 'Origin, Access-Control-Request-Headers',
};

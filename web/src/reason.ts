// The reason for access (docs/api.md, "Reasons"): kept for this browser tab only
// (sessionStorage), sent as X-Corridor-Reason on every request while it is valid.

const KEY = 'corridor.reason';
export const REASON_MIN = 3;
export const REASON_MAX = 500;

export function getReason(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function setReason(value: string): void {
  const text = value.trim();
  try {
    if (text) sessionStorage.setItem(KEY, text);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage may be unavailable (private mode); the reason then lasts until the next load.
  }
}

/** Whether the stored reason is long enough to be sent. */
export function hasReason(): boolean {
  const n = [...getReason()].length;
  return n >= REASON_MIN && n <= REASON_MAX;
}

/** The header value: the reason as percent-encoded UTF-8, which the node decodes. Header
 * values are bytes, and percent-encoding carries a reason in any script (Arabic, accented
 * letters) and any literal "%" without loss. */
export function reasonHeader(): string | null {
  if (!hasReason()) return null;
  return encodeURIComponent(getReason());
}

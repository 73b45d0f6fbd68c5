import type { Session } from '../types';

/** What a screen gets from the app around it. */
export interface ViewContext {
  session: Session;
  /** False once the user has moved on: a late answer must not replace the newer screen. */
  isCurrent(): boolean;
  focusReason(): void;
  focusSearch(): void;
}

/**
 * Out-of-order sending for one vehicle: a message picked for reordering is held and released right after the
 * vehicle's next message, so the receiver sees seq n+1 before n. Pure: state in, state and messages out.
 */
export interface ReorderState<T> {
  readonly held: T | undefined;
}

export function reorderStep<T>(state: ReorderState<T>, message: T, holdBack: boolean): { state: ReorderState<T>; send: T[] } {
  if (state.held !== undefined) return { state: { held: undefined }, send: [message, state.held] };
  if (holdBack) return { state: { held: message }, send: [] };
  return { state, send: [message] };
}

/** Releases whatever is held (end of run), so reordering never loses a message. */
export const reorderFlush = <T>(state: ReorderState<T>): T[] => (state.held === undefined ? [] : [state.held]);

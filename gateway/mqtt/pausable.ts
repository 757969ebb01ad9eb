import type { Client } from "aedes";
import type { Pausable } from "./flowControl.ts";

/**
 * Pause/resume for an aedes client. aedes reads the next socket chunk only when its `_parsingBatch` counter of
 * unfinished packets returns to zero, but completions that happen while paused are not counted down, so a plain
 * `resume()` can leave the counter stuck above zero with data waiting (a deadlock when the vehicle waits for
 * PUBACKs). Resetting the counter to one before `resume()` makes resume read at once; our own in-flight
 * accounting, not aedes's counter, bounds what is outstanding.
 */
export function pausable(client: Client): Pausable {
  const internals = client as unknown as { pause(): void; resume(): void; _parsingBatch: number; closed: boolean };
  return {
    pause: () => internals.pause(),
    resume: () => {
      if (internals.closed) return;
      internals._parsingBatch = 1;
      internals.resume();
    },
  };
}

/**
 * printk rate limiting (lib/ratelimit.c ___ratelimit) for the model, which has no clock.
 *
 * The kernel lets `burst` messages through per `interval` jiffies (warn_alloc: 10·HZ and 1, so one
 * report per 10 s) and, when a new interval starts after suppressed calls, prints
 * "<func>: N callbacks suppressed" first. The model counts time in calls instead: an interval is
 * `interval` calls of the rate-limited site. With warn_alloc's default (10 calls, burst 1) the
 * first reportable failure prints, the next nine are suppressed, the eleventh prints after
 * "warn_alloc: 9 callbacks suppressed". interval 0 turns rate limiting off (every call prints).
 * Set `rs.warnRatelimit.interval` to change it for a run.
 */
export interface RatelimitState {
  /** calls per interval (the model's stand-in for the kernel's jiffies interval); 0 = no limit */
  interval: number;
  /** messages let through per interval */
  burst: number;
  /** calls so far (the model's clock) */
  calls: number;
  /** the call count at which the current interval began */
  begin: number;
  printed: number;
  missed: number;
}

/** warn_alloc's nopage_rs: DEFINE_RATELIMIT_STATE(nopage_rs, 10*HZ, 1), as 10 calls. */
export const WARN_ALLOC_RATELIMIT_INTERVAL = 10;
export const WARN_ALLOC_RATELIMIT_BURST = 1;

export function makeRatelimit(interval = WARN_ALLOC_RATELIMIT_INTERVAL, burst = WARN_ALLOC_RATELIMIT_BURST): RatelimitState {
  return { interval, burst, calls: 0, begin: 0, printed: 0, missed: 0 };
}

/**
 * ___ratelimit: true when this call may print. When a new interval starts and calls were missed,
 * the "<func>: N callbacks suppressed" line is appended to `log` first (printk_deferred).
 */
export function ratelimit(rs: RatelimitState, func: string, log: string[]): boolean {
  const now = rs.calls++;
  if (rs.interval <= 0) return true;
  if (now - rs.begin >= rs.interval) {
    if (rs.missed) {
      log.push(`${func}: ${rs.missed} callbacks suppressed`);
      rs.missed = 0;
    }
    rs.begin = now;
    rs.printed = 0;
  }
  if (rs.burst && rs.burst > rs.printed) {
    rs.printed++;
    return true;
  }
  rs.missed++;
  return false;
}

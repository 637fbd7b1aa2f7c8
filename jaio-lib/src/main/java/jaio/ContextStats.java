package jaio;

import jaio.core.ContextCore;
import jaio.spi.Counters;

/**
 * A snapshot of a context's counters (J5).
 *
 * @param submitted requests accepted
 * @param completed events posted (one per accepted request)
 * @param reaped    events taken by getEvents or await
 * @param retries   iterations issued again after a short transfer
 * @param punted    requests handed to a worker thread because the kernel would have blocked
 * @param eagain    submissions refused for lack of room
 * @param canceled  requests that ended with ECANCELED
 * @param bounced   requests whose buffers were copied through library memory
 * @param errors    events with a negative result
 * @param wakeups   times a waiting thread was woken, or a kernel wait returned, to take events
 * @param callerRuns iterations of requests a thread waiting for events ran itself instead of a
 *                  worker thread (caller-runs; the thread-pool engine, and native AIO's punted
 *                  requests): a getEvents or await whose timeout passes meanwhile returns once
 *                  that step ends
 * @param inFlight  requests accepted and not yet completed, now
 * @param unreaped  events posted and not yet reaped, now
 */
public record ContextStats(long submitted, long completed, long reaped, long retries, long punted, long eagain,
                           long canceled, long bounced, long errors, long wakeups, long callerRuns, int inFlight,
                           int unreaped) {

    /** A snapshot of {@code core}: each counter and each of the two gauges read once. */
    static ContextStats of(ContextCore<?> core) {
        Counters c = core.counters();
        int used = core.used();
        int inFlight = Math.min(core.inFlight(), used);
        return new ContextStats(c.submitted.sum(), c.completed.sum(), c.reaped.sum(), c.retries.sum(),
                c.punted.sum(), c.eagain.sum(), c.canceled.sum(), c.bounced.sum(), c.errors.sum(),
                c.wakeups.sum(), c.callerRuns.sum(), inFlight, used - inFlight);
    }
}

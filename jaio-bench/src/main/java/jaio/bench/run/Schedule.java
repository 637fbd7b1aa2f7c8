package jaio.bench.run;

/**
 * When a run ramps, measures and ends, in System.nanoTime terms; shared by all its jobs.
 *
 * @param start      when the jobs started
 * @param rampEnd    when measuring starts
 * @param end        when issuing stops (Long.MAX_VALUE without a time limit)
 * @param generation the verify generation of blocks written in this run
 */
public record Schedule(long start, long rampEnd, long end, long generation) {
    /**
     * A schedule starting at {@code start}, which may be past: a job whose thread ran late (a
     * virtual thread waiting for a carrier that other jobs hold) ramps and ends on the run's
     * clock, not on its own, so every job is measured over the same wall-clock window.
     */
    public static Schedule startingAt(long start, long rampNanos, long runtimeNanos, long generation) {
        long ramp = start + rampNanos;
        long end = runtimeNanos == 0 ? Long.MAX_VALUE : ramp + runtimeNanos;
        return new Schedule(start, ramp, end, generation);
    }

    public boolean rampOver(long now) {
        return now - rampEnd >= 0;
    }

    public boolean over(long now) {
        return end != Long.MAX_VALUE && now - end >= 0;
    }
}

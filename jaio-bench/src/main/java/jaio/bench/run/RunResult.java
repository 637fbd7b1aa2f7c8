package jaio.bench.run;

import java.util.List;
import jaio.bench.plan.Plan;

/**
 * What a run measured: every clone's results in plan order, and the notes about the run.
 *
 * @param plan    what ran
 * @param clones  each clone's results, in plan order
 * @param notes   things the user should know about this run (one line each)
 */
public record RunResult(Plan plan, List<CloneResult> clones, List<String> notes) {

    /** Verify mismatches found, in all clones. */
    public long mismatches() {
        long n = 0;
        for (CloneResult c : clones) {
            n += c.stats().mismatchCount();
        }
        return n;
    }

    /** I/O errors, in all clones. */
    public long errors() {
        long n = 0;
        for (CloneResult c : clones) {
            n += c.stats().errors();
        }
        return n;
    }

    /** Whether the exit code must be non-zero: I/O errors or verify mismatches. */
    public boolean failed() {
        return errors() > 0 || mismatches() > 0;
    }
}

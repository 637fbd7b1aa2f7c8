package jaio.engine.threads;

import jaio.engine.Worker;
import java.util.List;
import java.util.Set;
import jaio.RequestFlag;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Stateless, so any thread may call it: how the thread-pool engine carries one family of
 * opcodes. Each family is described in its own file and listed once in {@link Drivers}, whose
 * table the engine dispatches through and whose entries make the capability report.
 */
interface OpDriver {
    /**
     * Whether the first iteration runs on the submitting thread (it must then never block:
     * it completes at once, or hands the op to a thread that waits for it) rather than on a
     * worker. Iterations after the first always run on a worker.
     */
    boolean inline();

    /**
     * One iteration of {@code op}: bytes moved (0 at end of file), -errno, or
     * {@link Worker#HANDED_OFF}. What it throws becomes the op's -errno.
     */
    long iterate(Op op) throws Exception;

    /**
     * {@code op}'s next iteration only if it cannot wait ({@link Worker#iterateQuick}):
     * its result, or {@link Worker#WOULD_WAIT} when nothing was done. The default does nothing.
     */
    default long iterateQuick(Op op) throws Exception {
        return Worker.WOULD_WAIT;
    }

    /**
     * Whether a thread waiting for events (not a worker) may run {@code op}'s next iteration
     * instead of a worker (caller-runs): the iteration must not depend on its thread (an
     * interrupt of it, a worker's scratch memory) and must never wait for readiness on it.
     */
    default boolean runsOnWaiter(Op op) {
        return false;
    }

    /** How the capability report says the family runs. */
    default Execution execution() {
        return inline() ? Execution.INLINE : Execution.WORKER;
    }

    /** Request flags the family honours. */
    default Set<RequestFlag> flags() {
        return Set.of();
    }

    /** Notes for the capability report's features. */
    default List<String> features() {
        return List.of();
    }
}

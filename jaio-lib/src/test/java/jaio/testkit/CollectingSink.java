package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jaio.spi.CompletionSink;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/** For engine tests below the context: collects what an engine posts, and pumps it like a waiter. */
public final class CollectingSink implements CompletionSink {
    public final List<Op> done = new ArrayList<>();

    @Override
    public synchronized void complete(Op op) {
        done.add(op);
    }

    @Override
    public synchronized void completeBatch(Op[] ops, int count) {
        for (int i = 0; i < count; i++) {
            done.add(ops[i]);
        }
    }

    public synchronized int count() {
        return done.size();
    }

    /** Pumps {@code e} like a context's waiter until {@code n} ops were posted (30 s at most). */
    public void pump(IoEngine e, int n) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + count() + " of " + n + " completed");
            e.harvest();
            if (count() < n) {
                e.waitForCompletions(n - count(), 100_000_000L);
            }
        }
    }
}

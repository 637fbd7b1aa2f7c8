package jaio.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Prioritized delivery (SPEC P2) as invariants of the ready list over random interleavings
 * of posts and takes: FIFO within a priority; higher priority first, except for an event
 * passed over by more than {@code STARVATION_BOUND} takes since it was posted, which is then
 * the oldest event ready; and so no event is overtaken by more than
 * {@code STARVATION_BOUND + 1} events posted after it, whatever their priorities.
 */
class ReadyListProperties {

    /** What the model knows of one ready event. */
    private record Posted(long seq, long takesBefore) {}

    @Property(tries = 300)
    void priorityFifoAndTheStarvationBound(@ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ReadyList list = new ReadyList();
        // Skewed towards high priorities, so that low ones are passed over a lot.
        int highBias = rnd.nextInt(4);
        int postPercent = 40 + rnd.nextInt(30);
        Map<CoreOp, Posted> ready = new HashMap<>();
        Map<CoreOp, Integer> overtaken = new HashMap<>();
        long[] counts = new long[2]; // posts, takes
        int steps = 500 + rnd.nextInt(2000);
        for (int step = 0; step < steps; step++) {
            if (ready.isEmpty() || rnd.nextInt(100) < postPercent) {
                CoreOp op = new CoreOp();
                op.priority = rnd.nextInt(4) < highBias ? 7 : rnd.nextInt(8);
                list.add(op);
                ready.put(op, new Posted(counts[0]++, counts[1]));
            } else {
                takeAndCheck(list, ready, overtaken, counts);
            }
        }
        while (!ready.isEmpty()) {
            takeAndCheck(list, ready, overtaken, counts);
        }
        check(list.size() == 0, "drained");
    }

    private static void takeAndCheck(ReadyList list, Map<CoreOp, Posted> ready, Map<CoreOp, Integer> overtaken, long[] counts) {
        CoreOp t = list.take();
        Posted tp = ready.remove(t);
        check(tp != null, "took an event that was not ready");
        boolean outOfOrder = false;
        boolean oldest = true;
        for (Map.Entry<CoreOp, Posted> e : ready.entrySet()) {
            CoreOp o = e.getKey();
            Posted op = e.getValue();
            if (o.priority == t.priority) {
                check(op.seq() > tp.seq(), "FIFO within priority " + t.priority);
            }
            if (o.priority > t.priority) {
                outOfOrder = true;
            }
            if (op.seq() < tp.seq()) {
                oldest = false;
                int n = overtaken.merge(o, 1, Integer::sum);
                check(n <= ReadyList.STARVATION_BOUND + 1,
                        "an event of priority " + o.priority + " was overtaken by " + n + " events posted after it");
            }
        }
        if (outOfOrder) {
            check(oldest, "taken before a higher priority without being the oldest ready event");
            check(counts[1] - tp.takesBefore() > ReadyList.STARVATION_BOUND,
                    "taken before a higher priority after only " + (counts[1] - tp.takesBefore()) + " takes");
        }
        overtaken.remove(t);
        counts[1]++;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}

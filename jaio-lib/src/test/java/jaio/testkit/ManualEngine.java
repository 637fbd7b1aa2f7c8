package jaio.testkit;

import jaio.CancelResult;
import jaio.Errno;
import jaio.IoContext;
import jaio.TestContexts;
import jaio.Opcode;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;

/**
 * A test engine that holds every submitted op until the test completes it, so delivery can be
 * driven one event at a time from the test thread: which waiter wakes, with what, in which
 * order. It runs NOOPs (and reports PREAD so that data requests can be held too, completing
 * them with any result the test likes).
 */
public final class ManualEngine implements IoEngine {
    private final HeldOps held;
    private int capacityAsked;

    private ManualEngine(EngineContext c) {
        this.held = new HeldOps(c.sink());
        this.capacityAsked = c.capacity();
    }

    /** A provider whose opened engine the test can reach through {@link #last}. */
    public static final class Provider extends TestProvider<ManualEngine> {
        public Provider() {
            super("manual", caps(), ManualEngine::new);
        }
    }

    public static IoContext open(Provider p, int capacity) throws java.io.IOException {
        return TestContexts.open(capacity, p, 1);
    }

    private static Capabilities caps() {
        return TestProvider.capabilities("manual", Opcode.PREAD);
    }

    @Override
    public Capabilities capabilities() {
        return caps();
    }

    @Override
    public void submit(Op[] ops, int from, int count) {
        held.add(ops, from, count);
    }

    public int held() {
        return held.size();
    }

    public int capacityAsked() {
        return capacityAsked;
    }

    /** Completes the oldest held op with result 0, as one post. */
    public void completeOne() {
        completeBatch(1);
    }

    /** Completes the n oldest held ops with result 0, as one batch post. */
    public void completeBatch(int n) {
        held.completeOldest(n);
    }

    @Override
    public CancelResult cancel(Op op) {
        return held.cancel(op);
    }

    @Override
    public void cancelAll() {
        held.completeAll(-Errno.ECANCELED);
    }

    @Override
    public boolean needsPumping() {
        return false;
    }

    @Override
    public void resize(int newCapacity) {
        capacityAsked = newCapacity;
    }

    @Override
    public void close() {
    }
}

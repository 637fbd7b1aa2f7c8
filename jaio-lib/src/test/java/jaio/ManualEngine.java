package jaio;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import jaio.core.Op;
import jaio.core.Retry;
import jaio.spi.Availability;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.CompletionSink;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.Execution;
import jaio.spi.IoEngine;

/**
 * A test engine that holds every submitted op until the test completes it, so delivery can be
 * driven one event at a time from the test thread: which waiter wakes, with what, in which
 * order. It runs NOOPs (and reports PREAD so that data requests can be held too, completing
 * them with any result the test likes).
 */
final class ManualEngine implements IoEngine {
    private final CompletionSink sink;
    private final List<Op> held = new ArrayList<>();
    private int capacityAsked;

    private ManualEngine(EngineContext c) {
        this.sink = c.sink();
        this.capacityAsked = c.capacity();
    }

    /** A provider whose opened engine the test can reach through {@link #last}. */
    static final class Provider implements EngineProvider {
        ManualEngine last;

        @Override
        public Engine kind() {
            return Engine.THREADS;
        }

        @Override
        public Availability availability() {
            return Availability.yes("manual");
        }

        @Override
        public Capabilities describe() {
            return caps();
        }

        @Override
        public IoEngine open(EngineContext c) {
            last = new ManualEngine(c);
            return last;
        }
    }

    static IoContext open(Provider p, int capacity) throws java.io.IOException {
        return IoContext.open(capacity, p, 1);
    }

    private static Capabilities caps() {
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        ops.put(Opcode.NOOP, Execution.INLINE);
        ops.put(Opcode.PREAD, Execution.WORKER);
        return new Capabilities("manual", ops, EnumSet.noneOf(RequestFlag.class), BufferAccess.THREAD_ACCESSIBLE,
                false, false, List.of());
    }

    @Override
    public Capabilities capabilities() {
        return caps();
    }

    @Override
    public synchronized void submit(Op[] ops, int from, int count) {
        for (int i = from; i < from + count; i++) {
            held.add(ops[i]);
        }
    }

    synchronized int held() {
        return held.size();
    }

    int capacityAsked() {
        return capacityAsked;
    }

    /** Completes the oldest held op with result 0, as one post. */
    void completeOne() {
        completeBatch(1);
    }

    /** Completes the n oldest held ops with result 0, as one batch post. */
    void completeBatch(int n) {
        Op[] batch;
        synchronized (this) {
            if (held.size() < n) {
                throw new IllegalStateException("only " + held.size() + " held, asked to complete " + n);
            }
            batch = new Op[n];
            for (int i = 0; i < n; i++) {
                batch[i] = held.remove(0);
                Retry.finish(batch[i], 0);
                batch[i].result = 0;
            }
        }
        sink.completeBatch(batch, n);
    }

    @Override
    public CancelResult cancel(Op op) {
        synchronized (this) {
            if (!held.remove(op)) {
                return CancelResult.ALREADY_DONE;
            }
        }
        Retry.finish(op, -Errno.ECANCELED);
        sink.complete(op);
        return CancelResult.CANCELED;
    }

    @Override
    public void cancelAll() {
        List<Op> all;
        synchronized (this) {
            all = new ArrayList<>(held);
            held.clear();
        }
        for (Op op : all) {
            Retry.finish(op, -Errno.ECANCELED);
            sink.complete(op);
        }
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

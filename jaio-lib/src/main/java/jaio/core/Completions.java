package jaio.core;

import jaio.Errno;
import jaio.core.op.OpKind;
import jaio.core.op.OpKinds;
import jaio.spi.CompletionSink;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Notifier;
import jaio.spi.Op;

/**
 * Where a context's engine reports finished ops, from any of its threads at once: each op
 * is finished (bounced data copied back, its file let go, its opcode's finishing step run),
 * posted to the completion queue under the queue's lock, signalled to the notification
 * eventfd, and only then counted out of flight, so that close, which waits for that count,
 * never misses an event still on its way. Its one field set after construction, the
 * notifier, is set before the engine is given any op, and reaches engine threads with the
 * ops they are handed (through the engine's own lock or volatile write).
 */
final class Completions implements CompletionSink {
    private final CompletionQueue queue;
    private final EngineGate gate;
    private final Bounce bounce;
    private final Counters counters;
    private final AcceptedSockets accepted;
    /** Signals the notification eventfd per posted event, or null (also null when the engine does it). */
    private Notifier notifier;
    /** The chain runner, which posts the ops it tracks itself; set before the first op is submitted. */
    private Chains chains;

    Completions(CompletionQueue queue, EngineGate gate, Bounce bounce, Counters counters, AcceptedSockets accepted) {
        this.accepted = accepted;
        this.queue = queue;
        this.gate = gate;
        this.bounce = bounce;
        this.counters = counters;
    }

    /**
     * Sets the notifier once the engine has said whether it signals the eventfd itself;
     * before the first op is submitted.
     */
    void attach(Notifier n) {
        this.notifier = n;
    }

    void attach(Chains c) {
        this.chains = c;
    }

    @Override
    public void complete(Op op) {
        finish(op);
        CoreOp c = (CoreOp) op;
        if (c.tracked) {
            chains.ended(c);
        } else {
            post(c);
        }
    }

    @Override
    public void completeBatch(Op[] ops, int count) {
        if (count == 0) {
            return;
        }
        boolean tracked = false;
        for (int i = 0; i < count; i++) {
            finish(ops[i]);
            tracked |= ((CoreOp) ops[i]).tracked;
        }
        if (tracked) {
            // Chain members and barriers are rare: each goes its own way.
            for (int i = 0; i < count; i++) {
                CoreOp c = (CoreOp) ops[i];
                if (c.tracked) {
                    chains.ended(c);
                } else {
                    post(c);
                }
            }
            return;
        }
        GlobalLimit.release(count);
        queue.post(ops, count);
        signal(count);
        gate.done(count);
        if (chains.barrierActive()) {
            chains.checkBarrier();
        }
    }

    /** Posts one finished op and counts it out of flight. */
    void post(CoreOp op) {
        GlobalLimit.release(1);
        queue.post(op);
        signal(1);
        gate.done(1);
        if (chains.barrierActive()) {
            chains.checkBarrier();
        }
    }

    private void signal(int n) {
        if (notifier != null) {
            notifier.signal(n);
        }
    }

    /** Readies a finished op's event: bounced data back, its file let go, its opcode's step, the counters. */
    void finish(Op op) {
        bounce.finish((CoreOp) op);
        FileHandle f = op.file;
        if (OpKinds.ANY_FINISHES) {
            OpKind k = OpKinds.of(op.opcode);
            if (k.finishes()) {
                k.finish(op);
            }
        }
        if (op.accepted != null) {
            accepted.adopt(op.accepted);
        }
        if (f != null) {
            if (f.tracksOps()) {
                f.untrack(op);
            }
            f.release();
        }
        if (op.opcode == jaio.Opcode.SENDFILE) {
            op.file2.release();
        }
        Cancelling.ended((CoreOp) op);
        if (op.result < 0) {
            counters.errors.increment();
            if (op.result == -Errno.ECANCELED) {
                counters.canceled.increment();
            }
        }
    }
}

package jaio.core;

import jaio.Errno;
import jaio.Opcode;
import jaio.core.op.Refusal;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Any number of submitting threads pass their batches through here at once, each inside
 * the engine gate; it shares no mutable state of its own (room, the global limit and the
 * ops' states are atomics). What it does to a batch (C2, C3): validate, reserve room in
 * the context and under the process-wide limit, claim each op (state, file reference,
 * buffers), then hand the claimed ops to the engine. Whatever is refused leaves nothing
 * behind: reservations are given back and claims undone.
 */
final class Admission {
    private final ContextCore<?> owner;
    private final Capabilities caps;
    private final Validator.Allowed allowed;
    /** Self-reaping: a request without a callback has nobody to take its event. */
    private final boolean needsCallback;
    private final Room room;
    private final EngineGate gate;
    private final Bounce bounce;
    private final Counters counters;
    private final Chains chains;

    Admission(ContextCore<?> owner, Capabilities caps, boolean needsCallback, Room room, EngineGate gate,
              Bounce bounce, Counters counters, Chains chains) {
        this.owner = owner;
        this.caps = caps;
        this.allowed = new Validator.Allowed(caps);
        this.needsCallback = needsCallback;
        this.room = room;
        this.gate = gate;
        this.bounce = bounce;
        this.counters = counters;
        this.chains = chains;
    }

    /**
     * Starts the longest valid prefix of {@code ops[0..count)} that fits. Inside the gate.
     *
     * @return how many were started; 0 when there is no room (EAGAIN)
     * @throws RequestRefused when the first op is invalid
     * @throws IllegalStateException when the context closes meanwhile
     */
    int submit(CoreOp[] ops, int count) {
        int valid = count;
        for (int i = 0; i < count; i++) {
            Refusal p = check(ops, i, count);
            if (p != null) {
                // A chain is accepted whole or not at all.
                int start = Chains.chainStart(ops, i);
                if (start == 0) {
                    throw invalid(ops[i], i, p);
                }
                valid = start;
                break;
            }
        }
        int fits = reserve(valid);
        if (fits == 0) {
            return 0;
        }
        int granted = Chains.chainBoundary(ops, fits);
        if (granted < fits) {
            unreserve(fits - granted);
            if (granted == 0) {
                counters.eagain.increment();
                return 0;
            }
        }
        int k = 0;
        Refusal fail = null;
        while (k < granted) {
            fail = claim(ops[k]);
            if (fail != null) {
                break;
            }
            k++;
        }
        int failed = k;
        if (k < granted) {
            int start = Chains.chainStart(ops, k);
            for (int j = start; j < k; j++) {
                unclaim(ops[j]);
            }
            unreserve(granted - start);
            k = start;
        }
        if (k == 0) {
            throw invalid(ops[failed], failed, fail);
        }
        counters.submitted.add(k);
        chains.start(ops, k);
        return k;
    }

    /** What every op shares, its opcode's checks, then its place in a chain. */
    private Refusal check(CoreOp[] ops, int i, int count) {
        Refusal p = Validator.check(ops[i], caps, allowed, needsCallback);
        if (p == null) {
            p = chains.check(ops, i, count, room.capacity());
        }
        if (p == null && ops[i].opcode == Opcode.LINK_TIMEOUT && owner.isSingleIssuer()) {
            p = new Refusal(Errno.EINVAL, "LINK_TIMEOUT is not available on a single-issuer context: its timer"
                    + " thread would cancel the guarded request, and only the owner thread may call the context");
        }
        boolean inChain = ops[i].linkMode != Op.LINK_NONE || (i > 0 && ops[i - 1].linkMode != Op.LINK_NONE);
        if (p != null && inChain) {
            return new Refusal(p.errno(), p.reason() + " (request " + i + " of its batch; its whole chain is refused)");
        }
        return p;
    }

    /**
     * Claims all of {@code ops[0..count)} or none, for submit-and-wait (C8): the caller hands
     * them to the engine with its first wait. Inside the gate.
     *
     * @return false when there was no room for the whole batch (EAGAIN)
     * @throws RequestRefused naming the first invalid op (nothing was claimed)
     * @throws IllegalStateException when the context closes meanwhile
     */
    boolean claimAll(CoreOp[] ops, int count) {
        for (int i = 0; i < count; i++) {
            Refusal p = check(ops, i, count);
            if (p != null) {
                throw invalid(ops[i], i, p);
            }
        }
        if (count == 0) {
            return true;
        }
        if (!room.reserveAll(count)) {
            counters.eagain.increment();
            return false;
        }
        if (!GlobalLimit.reserveAll(count)) {
            room.release(count);
            counters.eagain.increment();
            return false;
        }
        started(count);
        for (int k = 0; k < count; k++) {
            Refusal fail = claim(ops[k]);
            if (fail != null) {
                for (int j = 0; j < k; j++) {
                    unclaim(ops[j]);
                }
                unreserve(count);
                throw invalid(ops[k], k, fail);
            }
        }
        counters.submitted.add(count);
        return true;
    }

    /** Reserves room for up to n ops, in the context and process-wide; counts them in flight. */
    private int reserve(int n) {
        int fits = room.reserve(n);
        if (fits == 0) {
            counters.eagain.increment();
            return 0;
        }
        int granted = GlobalLimit.reserve(fits);
        if (granted < fits) {
            room.release(fits - granted);
            if (granted == 0) {
                counters.eagain.increment();
                return 0;
            }
        }
        started(granted);
        return granted;
    }

    /** Counts n ops in flight, then makes sure close has not begun (it would not wait for them). */
    private void started(int n) {
        gate.started(n);
        if (!gate.isOpen()) {
            unreserve(n);
            throw owner.closedException();
        }
    }

    private void unreserve(int n) {
        room.release(n);
        GlobalLimit.release(n);
        gate.done(n);
        if (chains.barrierActive()) {
            // A pending barrier may have been held up by what was counted here for a moment.
            chains.checkBarrier();
        }
    }

    /** Makes the op ours: state, file reference, buffers. Undoes itself on failure. */
    private Refusal claim(CoreOp op) {
        if (!op.casState(CoreOp.IDLE, CoreOp.INFLIGHT)) {
            return new Refusal(Errno.EBUSY, "request is already in flight (submitted twice?)");
        }
        FileHandle f = op.file;
        if (f != null && !f.acquire()) {
            op.setState(CoreOp.IDLE);
            return new Refusal(Errno.EBADF, "file " + f.name() + " was closed");
        }
        if (op.opcode == Opcode.SENDFILE && !op.file2.acquire()) {
            f.release();
            op.setState(CoreOp.IDLE);
            return new Refusal(Errno.EBADF, "file " + op.file2.name() + " was closed");
        }
        if (op.accepted != null) {
            // The connection its last ACCEPT made was not taken: the library closes it.
            ContextCore<?> last = op.ctx;
            if (last != null) {
                last.accepted().discard(op.accepted);
            }
            op.accepted = null;
        }
        op.resetProgress();
        op.ctx = owner;
        BufferAccess access = caps.buffers();
        if (f != null && f.kind() != FileHandle.Kind.FILE) {
            // Sockets and streams are driven by system calls on native addresses on every
            // engine (the thread pool's too, which uses FileChannel for files only).
            access = BufferAccess.NATIVE_STABLE;
        }
        Refusal p = bounce.prepare(op, access, counters);
        if (p != null) {
            if (f != null) {
                f.release();
            }
            if (op.opcode == Opcode.SENDFILE) {
                op.file2.release();
            }
            op.setState(CoreOp.IDLE);
        } else if (f != null && f.tracksOps()) {
            f.track(op);
            if (op.opcode == Opcode.CLOSE) {
                // Closed for new requests from now on; those in flight end before the engine
                // sees the CLOSE, which then finds itself the descriptor's last user.
                f.close();
                SocketClose.cancelInFlight(f, op);
            }
        }
        return p;
    }

    /** Reverses a successful {@link #claim} of an op that will not be submitted. */
    private void unclaim(CoreOp op) {
        bounce.abandon(op);
        if (op.file != null) {
            op.file.untrack(op);
            op.file.release();
        }
        if (op.opcode == Opcode.SENDFILE) {
            op.file2.release();
        }
        op.setState(CoreOp.IDLE);
    }

    private static RequestRefused invalid(CoreOp op, int index, Refusal p) {
        return new RequestRefused(op, index, p.errno(), p.reason());
    }
}

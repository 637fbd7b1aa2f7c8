package jaio.engine.uring;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import jaio.Errno;
import jaio.engine.OpBatch;
import jaio.linux.IoUring;
import jaio.linux.IoUringRings;
import jaio.linux.IoUringSqe;
import jaio.spi.Counters;
import jaio.spi.FileHandle;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Called only under the engine's submit lock, which guards everything here: the submission
 * side of the io_uring engine. It writes each op's SQE through the op's family (found in the
 * opcode table, {@link UringOpcodes}), flushes the SQ to the kernel, and turns each user CQE
 * into the op's next iteration or its end. Finished ops are collected in an {@link OpBatch}
 * for the engine to post once its locks allow.
 */
final class UringSubmitter {
    /** user_data bit 63: an internal request, whose CQE no op waits for. */
    static final long INTERNAL = Long.MIN_VALUE;
    /** Internal: a wake-up NOP (see {@link IoUringEngine}). */
    static final long WAKE_DATA = INTERNAL | 1;
    /**
     * Internal: a TIMEOUT_REMOVE for a TIMEOUT whose completion count was reached; the low 32
     * bits are the TIMEOUT's slot.
     */
    static final long REMOVE_TAG = INTERNAL | (2L << 32);
    /** Internal: an ASYNC_CANCEL whose answer nobody waits for (close). */
    static final long CANCEL_ALL_DATA = INTERNAL | 3;
    /** Internal: the drain marker of a close that parks the ring (see {@link #drainMarker}). */
    static final long DRAIN_DATA = INTERNAL | 4;
    /** Internal: the plain NOP after the drain marker that takes a parked ring out of drain mode. */
    static final long SETTLE_DATA = INTERNAL | 5;
    /** Internal: an ASYNC_CANCEL whose answer a thread waits for; the low 32 bits are its ticket. */
    static final long CANCEL_TAG = INTERNAL | (1L << 32);
    /** The bits that tell internal kinds apart. */
    static final long KIND_MASK = 0xFFFFFFFF00000000L;

    private static final int MAX_ENTER_RETRIES = 16;

    private final UringInstance ring;
    private final IoUringRings q;
    private final UringSlots slots;
    private final Counters counters;
    private final boolean poll32;
    private final UringBuffers buffers;
    /** Registered files, or null when the context does not register them. */
    private final UringFiles files;
    /** The family of each opcode, by {@link jaio.Opcode#ordinal()}: built once for this engine. */
    private final UringOp[] byOpcode;
    /** The families that look at every pass of CQEs (TIMEOUT's completion count). */
    private final UringOp[] watchers;

    /** Transfers that used a registered buffer (for tests). */
    long fixedTransfers;
    /** Times the SQPOLL thread was asleep and had to be woken (for tests). */
    long sqWakeups;
    /** User ops completed by this engine since it opened; TIMEOUT counts are measured in it. */
    private long completedOps;

    UringSubmitter(UringInstance ring, UringSlots slots, Counters counters, UringBuffers buffers, UringFiles files,
                   UringProbe probe) {
        this.ring = ring;
        this.buffers = buffers;
        this.files = files;
        this.q = ring.rings;
        this.slots = slots;
        this.counters = counters;
        this.poll32 = ring.has(IoUring.IORING_FEAT_POLL_32BITS);
        this.byOpcode = UringOpcodes.TABLE.build(probe, this, UringOp[]::new);
        List<UringOp> w = new ArrayList<>();
        for (UringOp f : byOpcode) {
            if (f != null && f.watchesCompletions() && !w.contains(f)) {
                w.add(f);
            }
        }
        this.watchers = w.toArray(new UringOp[0]);
    }

    // ---- what the families use ----

    MemorySegment sqes() {
        return q.sqes;
    }

    UringSlots slots() {
        return slots;
    }

    UringBuffers buffers() {
        return buffers;
    }

    UringFiles files() {
        return files;
    }

    Counters counters() {
        return counters;
    }

    boolean poll32() {
        return poll32;
    }

    long completedOps() {
        return completedOps;
    }

    // ------------------------------------------------------------------ SQEs

    /**
     * Takes a slot for each op and writes its first SQE; the SQEs are published by the next
     * {@link #flush}. An op that finds no slot (impossible while the context keeps in flight
     * within its capacity) ends with -EAGAIN in {@code out}.
     */
    void start(Op[] ops, int from, int count, OpBatch out) {
        for (int i = from; i < from + count; i++) {
            Op op = ops[i];
            if (op.file != null && op.file.tracksOps() && op.cancelRequested() && op.takeCancel()) {
                // Its socket was closed by a CLOSE of the same batch, claimed after it: it
                // would otherwise wait in the kernel on a socket nobody may use any more.
                Retry.finish(op, -Errno.ECANCELED);
                out.add(op);
                completedOps++;
                continue;
            }
            if (slots.take(op) < 0) {
                Retry.finish(op, -Errno.EAGAIN);
                out.add(op);
                completedOps++;
                continue;
            }
            op.engineState = 0;
            prepare(op);
        }
    }

    /** Room for one more SQE, flushing the SQ to the kernel first when it is full. */
    long sqe() {
        reserve(1);
        long at = q.nextSqe();
        q.advanceSq();
        return at;
    }

    /**
     * Makes room for {@code n} SQEs (at most the ring's size), flushing the SQ first when
     * there is less, so that the next {@code n} {@link #sqe()} calls flush nothing: SQEs that
     * must reach the kernel in one submission (a chain, whose links end where a submission
     * ends) are written after one reserve.
     */
    void reserve(int n) {
        if (!q.sqHasSpace(n)) {
            flush();
            while (!q.sqHasSpace(n)) {
                // The kernel refused to take SQEs (short of memory): give it a moment.
                LockSupport.parkNanos(100_000L);
                flush();
            }
        }
    }

    /** Writes the SQE of {@code op}'s next iteration, through its family. */
    private void prepare(Op op) {
        long ud = slots.userData(op.slot);
        long at = sqe();
        FileHandle f = op.file;
        int fd = f == null ? -1 : f.fd();
        int flags = linkFlags(op);
        // Sockets are not registered: the table's reference would keep a closed connection
        // open (no FIN for its peer) until its slot is reused.
        if (files != null && f != null && f.kind() != FileHandle.Kind.SOCKET) {
            int fixed = files.slot(f);
            if (fixed >= 0) {
                fd = fixed;
                flags |= IoUring.IOSQE_FIXED_FILE;
            }
        }
        byOpcode[op.opcode.ordinal()].prepare(op, at, fd, flags, ud);
    }

    /**
     * The IOSQE_* bits a chain puts on an op's SQE: none. The context's chain runner (P4)
     * hands each member of a chain to the engine alone, once the one before it has ended, so
     * that a short transfer is continued (E4) before the chain looks at it, the same on every
     * engine; IOSQE_IO_LINK would let the kernel start the next member after the first short
     * iteration.
     */
    private static int linkFlags(Op op) {
        return 0;
    }

    /** Writes {@code n} internal NOPs carrying {@code data}. */
    void nops(int n, long data) {
        for (int i = 0; i < n; i++) {
            IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_NOP, 0, 0, -1, 0, 0, 0, 0, data, 0);
        }
    }

    /**
     * Writes an internal NOP with IOSQE_IO_DRAIN carrying {@code data}: the kernel starts it
     * only once every request submitted before it has completed and posted its CQE, so when
     * its CQE arrives nothing older is left in the kernel.
     */
    void drainMarker(long data) {
        IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_NOP, IoUring.IOSQE_IO_DRAIN, 0, -1, 0, 0, 0, 0, data, 0);
    }

    /**
     * Writes an ASYNC_CANCEL of the request whose user_data is {@code target} (or of whatever
     * {@code flags} select), whose own CQE carries {@code data} and the kernel's answer: 0
     * found and stopped, -EALREADY running, -ENOENT not found.
     */
    void asyncCancel(long target, int flags, long data) {
        IoUringSqe.set(q.sqes, sqe(), IoUring.IORING_OP_ASYNC_CANCEL, 0, 0, -1, 0, target, 0, flags, data, 0);
    }

    /** SQEs written and not yet consumed by the kernel. */
    int pending() {
        return q.sqPending();
    }

    /**
     * Publishes the SQEs written so far and has the kernel consume them. On a partial
     * acceptance (a kernel without IORING_SETUP_SUBMIT_ALL stops after an SQE it refused,
     * whose error it posts as that SQE's CQE) it goes on from there. When the kernel takes
     * none (short of memory, or an old kernel with completions in overflow), what is left
     * stays in the ring for the next flush or for the next kernel wait, which submits it.
     */
    void flush() {
        int pending = q.sqPending();
        if (pending == 0) {
            return;
        }
        if (ring.sqPoll()) {
            // The kernel thread takes the SQEs; it needs a call only when it went to sleep.
            // The tail store and the flag load are fenced inside (see publishSqNeedsWakeup):
            // without the fence the thread could sleep unaware of them and they never start.
            if (q.publishSqNeedsWakeup()) {
                sqWakeups++;
                ring.enterNoWait(0, IoUring.IORING_ENTER_SQ_WAKEUP);
            }
            return;
        }
        q.publishSq();
        for (int tries = 0; pending > 0 && tries < MAX_ENTER_RETRIES; tries++) {
            int r = ring.enterNoWait(pending, 0);
            if (r < 0 && r != -Errno.EINTR) {
                counters.eagain.increment();
                return;
            }
            pending = q.sqPending();
        }
    }

    // ------------------------------------------------------------------ CQEs

    /**
     * One CQE of user op {@code op}: its family says whether the op is finished (into
     * {@code out}) or goes on, and then writes its next SQE.
     */
    void onCqe(Op op, int res, OpBatch out) {
        if (byOpcode[op.opcode.ordinal()].complete(op, res) == UringOp.AGAIN) {
            prepare(op);
            return;
        }
        slots.release(op);
        op.engineState = 0;
        out.add(op);
        completedOps++;
    }

    /** The engine is released: every family gives back what it holds. */
    void release() {
        List<UringOp> seen = new ArrayList<>();
        for (UringOp f : byOpcode) {
            if (f != null && !seen.contains(f)) {
                seen.add(f);
                f.release();
            }
        }
    }

    /**
     * An internal CQE ({@code data} has {@link #INTERNAL}): a cancel's or a TIMEOUT_REMOVE's
     * answer goes to what waits for it. Returns 1 for a wake-up NOP, else 0.
     */
    int internalCqe(long data, int res, UringCancel cancels) {
        if (data == WAKE_DATA) {
            return 1;
        }
        long kind = data & KIND_MASK;
        if (kind == CANCEL_TAG) {
            cancels.answer((int) data, res);
        } else if (kind == REMOVE_TAG) {
            for (UringOp w : watchers) {
                w.removeAnswered((int) data, res);
            }
        }
        return 0;
    }

    /** After a pass of CQEs: the families that watch completions act on them. */
    void afterCqes() {
        for (UringOp w : watchers) {
            w.afterCqes();
        }
    }
}

package jaio.engine.kaio;

import jaio.spi.Op;

/**
 * Not thread safe: the engine's submit lock guards it. The ops whose iocb is prepared but
 * found no room in the kernel's ring (io_submit said EAGAIN, only after the context grew past
 * the ring, C9), in FIFO order, linked through {@link Op#enext} and {@link Op#eprev}. They
 * keep their slot, and go to the kernel again once reaping made room.
 */
final class KaioBacklog {
    private Op head;
    private Op tail;

    boolean isEmpty() {
        return head == null;
    }

    Op first() {
        return head;
    }

    void add(Op op) {
        op.engineState = KaioSubmitter.BACKLOG;
        op.enext = null;
        op.eprev = tail;
        if (tail != null) {
            tail.enext = op;
        } else {
            head = op;
        }
        tail = op;
    }

    void remove(Op op) {
        if (op.eprev != null) {
            op.eprev.enext = op.enext;
        } else {
            head = op.enext;
        }
        if (op.enext != null) {
            op.enext.eprev = op.eprev;
        } else {
            tail = op.eprev;
        }
        op.enext = null;
        op.eprev = null;
        op.engineState = 0;
    }
}

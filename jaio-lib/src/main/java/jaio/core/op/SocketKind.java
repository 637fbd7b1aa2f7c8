package jaio.core.op;

import jaio.Errno;
import jaio.RequestFlag;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * What every socket request shares (O5): an open socket, and no flag but PARTIAL and MORE on a send
 * (the file flags mean nothing to a socket, and NOWAIT is not offered for sockets yet).
 * Subclasses add their own checks. Stateless.
 */
abstract class SocketKind extends OpKind {
    SocketKind(boolean finishes) {
        super(finishes);
    }

    @Override
    public final Refusal check(Op op, Capabilities caps) {
        Refusal r = openFile(op);
        if (r != null) {
            return r;
        }
        FileHandle f = op.file;
        if (f.kind() != FileHandle.Kind.SOCKET) {
            return new Refusal(Errno.ENOTSOCK, f.name() + " is not a socket; " + op.opcode + " needs one");
        }
        int allowed = op.isSend() ? RequestFlag.PARTIAL.bit() | RequestFlag.MORE.bit() : 0;
        if ((op.flags & ~allowed) != 0) {
            for (RequestFlag fl : RequestFlag.values()) {
                if ((op.flags & fl.bit() & ~allowed) != 0) {
                    return new Refusal(Errno.EINVAL, "flag " + fl + " does not apply to " + op.opcode);
                }
            }
        }
        return checkSocket(op, caps);
    }

    /** The checks particular to the opcode, on an open socket. */
    abstract Refusal checkSocket(Op op, Capabilities caps);

    /** RECV, SEND, RECVMSG, SENDMSG: buffers the engine can use, writable for a receive. */
    static final class Stream extends SocketKind {
        static final Stream RECV = new Stream(true);
        static final Stream SEND = new Stream(false);

        private final boolean recv;

        private Stream(boolean recv) {
            super(false);
            this.recv = recv;
        }

        @Override
        Refusal checkSocket(Op op, Capabilities caps) {
            if (op.length > Integer.MAX_VALUE) {
                return new Refusal(Errno.EINVAL, "more than 2 GiB - 1 in one socket request; split it");
            }
            return TransferKind.checkBuffers(op, caps, recv);
        }
    }

    /** CONNECT: an address to connect to. */
    static final class Connect extends SocketKind {
        static final Connect INSTANCE = new Connect();

        private Connect() {
            super(false);
        }

        @Override
        Refusal checkSocket(Op op, Capabilities caps) {
            return op.address == null ? new Refusal(Errno.EINVAL, "connect without an address") : null;
        }
    }

    /** SHUTDOWN: a direction; CLOSE: nothing more. */
    static final class Plain extends SocketKind {
        static final Plain INSTANCE = new Plain();

        private Plain() {
            super(false);
        }

        @Override
        Refusal checkSocket(Op op, Capabilities caps) {
            return null;
        }
    }

    /**
     * ACCEPT: a socket to accept on. Its finishing hook makes the new descriptor one the
     * library owns, of the same kind as the listening socket, before the event is posted.
     */
    static final class Accept extends SocketKind {
        static final Accept INSTANCE = new Accept();

        private Accept() {
            super(true);
        }

        @Override
        Refusal checkSocket(Op op, Capabilities caps) {
            return null;
        }

        @Override
        public void finish(Op op) {
            if (op.result >= 0 && op.accepted == null) {
                op.accepted = op.file.adopt((int) op.result);
            }
        }
    }
}

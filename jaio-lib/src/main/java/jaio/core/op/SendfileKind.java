package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * SENDFILE (O6): an open socket, and a regular file open for reading and not O_DIRECT (the
 * page cache is what the kernel sends from), with an offset and a count that are not
 * negative and do not overflow. Stateless.
 */
final class SendfileKind extends SocketKind {
    static final SendfileKind INSTANCE = new SendfileKind();

    private SendfileKind() {
        super(false);
    }

    @Override
    Refusal checkSocket(Op op, Capabilities caps) {
        FileHandle f = op.file2;
        if (f == null) {
            return new Refusal(Errno.EBADF, "sendfile has no file to send");
        }
        if (!f.isOpen()) {
            return new Refusal(Errno.EBADF, "file " + f.name() + " is closed");
        }
        if (f.kind() != FileHandle.Kind.FILE) {
            return new Refusal(Errno.EINVAL, f.name() + " is not a regular file; sendfile sends files");
        }
        if (!f.readable()) {
            return new Refusal(Errno.EBADF, "file " + f.name() + " is not open for reading");
        }
        if (f.offsetAlign() > 1) {
            return new Refusal(Errno.EINVAL, "file " + f.name() + " is open with O_DIRECT; sendfile sends from the"
                    + " page cache, open it without IoFile.DIRECT");
        }
        if (op.offset < 0) {
            return new Refusal(Errno.EINVAL, "negative offset " + op.offset);
        }
        if (op.length < 0) {
            return new Refusal(Errno.EINVAL, "negative count " + op.length);
        }
        if (op.length > Long.MAX_VALUE - op.offset) {
            return new Refusal(Errno.EINVAL, "offset + count overflows");
        }
        return null;
    }
}

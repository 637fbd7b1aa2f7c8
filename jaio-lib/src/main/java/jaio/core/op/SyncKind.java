package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/** FSYNC and FDSYNC (O3): an open regular file, nothing else. Stateless. */
final class SyncKind extends OpKind {
    static final SyncKind INSTANCE = new SyncKind();

    private SyncKind() {
        super(false);
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        Refusal r = openFile(op);
        if (r != null) {
            return r;
        }
        FileHandle f = op.file;
        if (f.kind() != FileHandle.Kind.FILE) {
            return new Refusal(Errno.EINVAL, f.name() + " is not a regular file; sync needs one");
        }
        return null;
    }
}

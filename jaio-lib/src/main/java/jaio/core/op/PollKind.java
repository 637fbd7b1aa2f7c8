package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.Op;

/** POLL (O4): an open descriptor and a non-empty event mask. Stateless. */
final class PollKind extends OpKind {
    static final PollKind INSTANCE = new PollKind();

    private PollKind() {
        super(false);
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        Refusal r = openFile(op);
        if (r != null) {
            return r;
        }
        if (op.pollEvents == 0) {
            return new Refusal(Errno.EINVAL, "poll with an empty event mask");
        }
        return null;
    }
}

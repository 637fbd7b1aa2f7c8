package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.Op;

/** TIMEOUT (O7): a delay and a completion count, neither negative; no descriptor. Stateless. */
final class TimeoutKind extends OpKind {
    static final TimeoutKind INSTANCE = new TimeoutKind();

    private TimeoutKind() {
        super(false);
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        if (op.timeoutNanos < 0) {
            return new Refusal(Errno.EINVAL, "negative timeout");
        }
        if (op.timeoutCount < 0) {
            return new Refusal(Errno.EINVAL, "negative completion count " + op.timeoutCount);
        }
        return null;
    }
}

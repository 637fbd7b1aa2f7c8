package jaio.core.op;

import jaio.Errno;
import jaio.spi.Capabilities;
import jaio.spi.Op;

/**
 * LINK_TIMEOUT (P4): a delay that is not negative; no descriptor. Where it stands in a chain
 * (right after the request it guards) is the chain runner's check. Stateless.
 */
final class LinkTimeoutKind extends OpKind {
    static final LinkTimeoutKind INSTANCE = new LinkTimeoutKind();

    private LinkTimeoutKind() {
        super(false);
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        if (op.timeoutNanos < 0) {
            return new Refusal(Errno.EINVAL, "negative link timeout");
        }
        return null;
    }
}

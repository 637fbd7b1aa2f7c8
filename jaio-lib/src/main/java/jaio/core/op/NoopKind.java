package jaio.core.op;

import jaio.spi.Capabilities;
import jaio.spi.Op;

/** NOOP (O7): nothing to validate beyond what every request shares. Stateless. */
final class NoopKind extends OpKind {
    static final NoopKind INSTANCE = new NoopKind();

    private NoopKind() {
        super(false);
    }

    @Override
    public Refusal check(Op op, Capabilities caps) {
        return null;
    }
}

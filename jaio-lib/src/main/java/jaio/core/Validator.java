package jaio.core;

import jaio.Errno;
import jaio.Opcode;
import jaio.RequestFlag;
import jaio.core.op.OpKind;
import jaio.core.op.OpKinds;
import jaio.core.op.Refusal;
import jaio.spi.Capabilities;

/**
 * Checks a request against the context's engine before anything is queued (C2): first
 * what every request shares, here, then what its opcode's {@link OpKind} asks. It reads the
 * op and changes nothing, so a refused request leaves no state behind. Stateless.
 */
final class Validator {
    private Validator() {}

    /**
     * An engine's opcodes and flags as a table by opcode ordinal and a mask of flag bits, made
     * once per context: the check of every request reads these instead of the report's maps.
     */
    static final class Allowed {
        private final boolean[] opcodes = new boolean[Opcode.values().length];
        private final int flagBits;

        Allowed(Capabilities caps) {
            for (Opcode o : caps.opcodes().keySet()) {
                opcodes[o.ordinal()] = true;
            }
            int bits = 0;
            for (RequestFlag f : caps.flags()) {
                bits |= f.bit();
            }
            this.flagBits = bits;
        }
    }

    /**
     * Null when {@code op} may be submitted to an engine with {@code caps}, else why not.
     * {@code needsCallback}: the context delivers events only to callbacks (self-reaping).
     */
    static Refusal check(CoreOp op, Capabilities caps, Allowed allowed, boolean needsCallback) {
        Opcode code = op.opcode;
        if (code == null) {
            return new Refusal(Errno.EINVAL, "request has no operation (use one of Request's factories)");
        }
        if (op.state() != CoreOp.IDLE) {
            return new Refusal(Errno.EBUSY, "request is already in flight; reuse it after its event is reaped");
        }
        // Link timeouts never reach the engine: the chain runner times them (Chains).
        if (code != Opcode.LINK_TIMEOUT && !allowed.opcodes[code.ordinal()]) {
            return new Refusal(Errno.EOPNOTSUPP, "the " + caps.engine() + " engine cannot run " + code
                    + " (it supports " + caps.opcodes().keySet() + ")");
        }
        if ((op.flags & ~allowed.flagBits) != 0) {
            for (RequestFlag f : RequestFlag.values()) {
                if ((op.flags & f.bit()) != 0 && !caps.supports(f)) {
                    return new Refusal(Errno.EOPNOTSUPP, "the " + caps.engine() + " engine does not support flag " + f
                            + " (it supports " + caps.flags() + ")");
                }
            }
        }
        if (needsCallback && !op.hasCallback()) {
            return new Refusal(Errno.EINVAL, "request has no callback: a self-reaping context hands every event to"
                    + " its request's callback, and nobody could take this one");
        }
        OpKind kind = OpKinds.of(code);
        if (kind == null) {
            return new Refusal(Errno.EOPNOTSUPP, "jaio has no description of " + code + " to validate it by");
        }
        return kind.check(op, caps);
    }
}

package jaio;

import java.util.Objects;
import jaio.core.ContextCore;
import jaio.core.CoreOp;
import jaio.core.RequestRefused;

/**
 * Hands the caller's arrays of requests to a context's core as its ops, through a per-thread
 * scratch array (a fresh array per call would be an allocation per batch), and turns the
 * core's refusals into the public exception. Any thread; each uses only its own scratch.
 */
final class RequestBatches {
    private static final ThreadLocal<CoreOp[]> SCRATCH = ThreadLocal.withInitial(() -> new CoreOp[64]);

    private RequestBatches() {}

    /** See {@link IoContext#submit(Request[], int, int)}; the bounds are checked. */
    static int submit(ContextCore<Event> core, Request[] requests, int offset, int count) {
        if (count == 0) {
            return 0;
        }
        if (count == 1) {
            Request r = requests[offset];
            if (r == null) {
                throw new NullPointerException("IoContext.submit: requests[" + offset + "] is null");
            }
            try {
                return core.submit(r.op.alone, 1);
            } catch (RequestRefused e) {
                throw refused(e, offset);
            }
        }
        CoreOp[] ops = scratch(count);
        for (int i = 0; i < count; i++) {
            Request r = requests[offset + i];
            if (r == null) {
                if (i == 0) {
                    throw new NullPointerException("IoContext.submit: requests[" + offset + "] is null");
                }
                count = i;
                break;
            }
            ops[i] = r.op;
        }
        try {
            return core.submit(ops, count);
        } catch (RequestRefused e) {
            throw refused(e, offset);
        } finally {
            clear(ops, count);
        }
    }

    /** See {@link IoContext#submitAndWait}; the arguments are checked, callbacks are the caller's to run. */
    static int submitAndWait(ContextCore<Event> core, Request[] requests, int offset, int count, int minNr,
                             Event[] events, long timeoutNanos) {
        CoreOp[] ops = scratch(count);
        try {
            for (int i = 0; i < count; i++) {
                ops[i] = Objects.requireNonNull(requests[offset + i], "IoContext.submitAndWait: a request is null").op;
            }
            return core.submitAndWait(ops, count, minNr, events, timeoutNanos);
        } catch (RequestRefused e) {
            throw refused(e, offset);
        } finally {
            clear(ops, count);
        }
    }

    /** The public form of a refusal, naming the request and its index in the caller's array. */
    private static InvalidRequestException refused(RequestRefused e, int offset) {
        return new InvalidRequestException(((RequestOp) e.op()).request, offset + e.index(), e.errno(), e.reason());
    }

    private static CoreOp[] scratch(int n) {
        CoreOp[] s = SCRATCH.get();
        if (s.length < n) {
            s = new CoreOp[Math.max(n, s.length * 2)];
            SCRATCH.set(s);
        }
        return s;
    }

    /** Drops the references, so the scratch array keeps no request reachable. */
    private static void clear(CoreOp[] ops, int count) {
        for (int i = 0; i < count; i++) {
            ops[i] = null;
        }
    }
}

package jaio;

/**
 * Per-request flags (O8). An engine that cannot honour a flag refuses the request at
 * submission; none is silently ignored.
 */
public enum RequestFlag {
    /** Fail with EAGAIN rather than block (RWF_NOWAIT). The event carries -EAGAIN. */
    NOWAIT(1),
    /** This write is durable for data when it completes, as with O_DSYNC (RWF_DSYNC). */
    DSYNC(2),
    /** This write is durable for data and metadata when it completes (RWF_SYNC). */
    SYNC(4),
    /** Poll for completion instead of waiting for an interrupt (RWF_HIPRI), O_DIRECT only. */
    HIPRI(8),
    /**
     * A SEND or SENDMSG completes after the first non-empty send, as send(2) does, instead of
     * being continued until every byte went (the default).
     */
    PARTIAL(16),
    /**
     * A SEND or SENDMSG followed at once by more for the same socket (MSG_MORE): the kernel
     * holds back a segment that is not full until the next send, so a response head and the
     * body sent after it (a linked SENDFILE, say) leave in the same segments instead of a small
     * one of their own. The request still completes when its bytes are queued.
     */
    MORE(32);

    private final int bit;

    RequestFlag(int bit) {
        this.bit = bit;
    }

    /** This flag's bit in {@link Request#flags()}. */
    public int bit() {
        return bit;
    }
}

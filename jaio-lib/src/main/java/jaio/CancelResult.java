package jaio;

/**
 * What {@link IoContext#cancel(Request)} achieved. Whatever the answer, the request still
 * yields exactly one event.
 */
public enum CancelResult {
    /** The request had not started (or was stopped): its event carries -ECANCELED. */
    CANCELED,
    /** The request is running and may still complete normally; it will not be retried further. */
    NOT_CANCELED,
    /** The request had already completed; its event is (or was) ready to be reaped. */
    ALREADY_DONE
}

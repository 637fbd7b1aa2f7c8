package jaio;

import jaio.core.CoreOp;

/**
 * The op behind one {@link Request}: the context's and the engines' view of it, plus what
 * only the public layer needs (the request itself and its callback). Same threading as
 * {@link CoreOp}: written by the request's owner while it is idle.
 */
final class RequestOp extends CoreOp {
    final Request request;
    /** Run on the reaping thread when the event is reaped, or null. */
    CompletionCallback callback;
    /**
     * A self-reaping context with an executor: this request's callback tasks, made when first
     * needed and reused. Used by reaper threads only, one at a time (between two uses the
     * request was submitted again, which publishes them).
     */
    SelfReapingCallbacks.Task callbackTask;
    SelfReapingCallbacks.Task spareTask;

    RequestOp(Request request) {
        this.request = request;
    }

    @Override
    public boolean hasCallback() {
        return callback != null;
    }
}

package jaio;

import jaio.core.CoreOp;

/**
 * The op behind one {@link Request}, with {@link CoreOp}'s threading (written by the
 * request's owner while it is idle, published by submission): the context's and the
 * engines' view of it, plus what only the public layer needs (the request itself and its
 * callback).
 */
final class RequestOp extends CoreOp {
    final Request request;
    /** This op alone, the batch a one-request submit hands the core (no scratch array to fill and clear). */
    final CoreOp[] alone = {this};
    /** Run on the reaping thread when the event is reaped, or null. */
    CompletionCallback callback;
    /**
     * A self-reaping context with an executor: this request's callback tasks, made when first
     * needed and reused. Read and written by reaper threads only; each task is claimed by a
     * CAS before use, so a reaper that sees a stale reference at worst makes a new task.
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

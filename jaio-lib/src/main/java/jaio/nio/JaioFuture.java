package jaio.nio;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The future of one {@link AsyncFile} operation, completed on the context's reaper thread.
 * Cancelling it cancels the request (which still has its one event; the future stays
 * cancelled whatever that event says). A platform thread that waits for it with {@code join}
 * or {@code get} waits in the kernel as the context's helper when no other thread does, so
 * that the request's completion wakes it alone ({@link FutureWaits}).
 */
final class JaioFuture<T> extends CompletableFuture<T> implements Outcome, BooleanSupplier {
    static final int READ = 0;
    static final int WRITE = 1;
    static final int SYNC = 2;

    private final int kind;
    private final AsyncFile file;
    private Slot slot;
    private int gen;
    private ByteBuffer one;
    private ByteBuffer[] many;
    private int offset;
    private int length;

    JaioFuture(int kind, AsyncFile file) {
        this.kind = kind;
        this.file = file;
    }

    void bind(Slot s, int generation, ByteBuffer b, ByteBuffer[] bs, int off, int len) {
        slot = s;
        gen = generation;
        one = b;
        many = bs;
        offset = off;
        length = len;
    }

    @Override
    public void finished(long result) {
        try {
            settle(result);
        } finally {
            // After the future: closeAsync's future completes only once every operation's has.
            file.doneOne();
        }
    }

    @SuppressWarnings("unchecked")
    private void settle(long result) {
        if (result < 0) {
            completeExceptionally(Results.failure(result, file.pathName()));
            return;
        }
        if (kind == SYNC) {
            complete(null);
            return;
        }
        if (!isDone()) {
            if (one != null) {
                one.position(one.position() + (int) result);
            } else if (many != null) {
                Results.advance(many, offset, length, result);
            }
        }
        int n = (int) result;
        if (kind == READ && n == 0) {
            n = -1;
        }
        complete((T) Results.boxed(n));
    }

    @Override
    public boolean getAsBoolean() {
        return isDone();
    }

    @Override
    public T join() {
        FutureWaits.join(file.context(), this);
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        FutureWaits.get(file.context(), this, -1);
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long left = FutureWaits.get(file.context(), this, Math.max(0, unit.toNanos(timeout)));
        return super.get(left, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Slot s = slot;
        if (cancelled && s != null) {
            s.cancel(gen);
        }
        return cancelled;
    }
}

package jaio.nio;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import jaio.CallbackWaits;

/**
 * The future of one {@link AsyncFile} operation, completed on the context's reaper thread.
 * Cancelling it cancels the request (which still has its one event; the future stays
 * cancelled whatever that event says). A platform thread that waits for it with {@code join}
 * or {@code get} waits as the context's helper when no other thread does
 * ({@link CallbackWaits#helps}): it takes the reaping role and waits in the kernel itself, so
 * that the request's completion wakes it alone (as {@link Blocking} does for the channels).
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
        if (!isDone()) {
            boolean interrupted = false;
            boolean helped = false;
            while (!isDone() && helps()) {
                helped = true;
                try {
                    CallbackWaits.await(file.context(), this, -1, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // join is not interruptible: the status is kept
                }
            }
            if (helped) {
                doneHelping();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone() && helps()) {
            try {
                CallbackWaits.await(file.context(), this, -1, TimeUnit.NANOSECONDS);
            } finally {
                doneHelping();
            }
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (timeout > 0 && !isDone() && helps()) {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            try {
                CallbackWaits.await(file.context(), this, unit.toNanos(timeout), TimeUnit.NANOSECONDS);
            } finally {
                doneHelping();
            }
            return super.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return super.get(timeout, unit);
    }

    private boolean helps() {
        return CallbackWaits.helps(file.context());
    }

    private void doneHelping() {
        CallbackWaits.doneHelping(file.context());
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

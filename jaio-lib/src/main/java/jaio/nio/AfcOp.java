package jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One read or write of a {@link JaioAsynchronousFileChannel}: the Future the caller holds, or
 * the carrier of its completion handler to the channel's executor (it is its own node in the
 * channel's {@link HandlerRunner}, so handing it over allocates nothing more). Completed once:
 * on the reaper, or at once on the caller when the page cache served a read. A platform thread
 * that waits for the Future waits in the kernel as the context's helper ({@link FutureWaits}).
 */
final class AfcOp<A> extends CompletableFuture<Integer> implements Outcome, Runnable, BooleanSupplier {
    private final JaioAsynchronousFileChannel channel;
    private final boolean read;
    private final ByteBuffer buffer;
    private final CompletionHandler<Integer, ? super A> handler;
    private final A attachment;
    private Slot slot;
    private int gen;
    private Integer value;
    private Throwable failure;
    /** The next handler in the channel's {@link HandlerRunner}, guarded by it. */
    AfcOp<?> next;
    /**
     * Counted in the runner's operations in flight ({@link HandlerRunner#expect}): set by the
     * submitting thread before the submission publishes the op, cleared once when it is posted.
     */
    boolean expected;

    AfcOp(JaioAsynchronousFileChannel channel, boolean read, ByteBuffer buffer,
          CompletionHandler<Integer, ? super A> handler, A attachment) {
        this.channel = channel;
        this.read = read;
        this.buffer = buffer;
        this.handler = handler;
        this.attachment = attachment;
    }

    void bind(Slot s, int generation) {
        slot = s;
        gen = generation;
    }

    @Override
    public void finished(long result) {
        if (result < 0) {
            fail(channel.isOpen() ? Results.failure(result, channel.pathName()) : new AsynchronousCloseException());
            return;
        }
        if (!isDone()) {
            buffer.position(buffer.position() + (int) result);
        }
        succeed(result == 0 && read ? Results.boxed(-1) : Results.boxed((int) result));
    }

    /** Completes with a count (0 for an empty buffer). */
    void succeed(Integer n) {
        if (handler == null) {
            complete(n);
        } else {
            value = n;
            dispatch();
        }
    }

    void fail(Throwable t) {
        if (handler == null) {
            completeExceptionally(t);
        } else {
            failure = t;
            dispatch();
        }
    }

    private void dispatch() {
        channel.handlers().post(this);
    }

    /** On the executor: the handler. */
    @Override
    public void run() {
        if (failure != null) {
            handler.failed(failure, attachment);
        } else {
            handler.completed(value, attachment);
        }
    }

    /** Whether the Future is done; its wait condition for {@link FutureWaits}. */
    @Override
    public boolean getAsBoolean() {
        return isDone();
    }

    // The Future's waits (an op with a handler is never waited on: read and write return nothing).

    @Override
    public Integer join() {
        FutureWaits.join(channel.context(), this);
        return super.join();
    }

    @Override
    public Integer get() throws InterruptedException, ExecutionException {
        FutureWaits.get(channel.context(), this, -1);
        return super.get();
    }

    @Override
    public Integer get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long left = FutureWaits.get(channel.context(), this, Math.max(0, unit.toNanos(timeout)));
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

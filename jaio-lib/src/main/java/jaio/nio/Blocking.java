package jaio.nio;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import jaio.CallbackWaits;
import jaio.Errno;
import jaio.InvalidRequestException;
import jaio.IoContext;
import jaio.Opcode;

/**
 * Blocking calls on jaio for the channels of this package (J3): submit, then park in Java
 * until the context's reaper (a platform thread that waits in the kernel) unparks the caller.
 * A virtual thread thus never waits inside a native call and frees its carrier while it waits.
 * A platform thread instead waits as a helper of the context when no other thread does
 * ({@link CallbackWaits#helps}): it takes the reaping role and waits in the kernel itself, so
 * that its request's completion wakes it alone (on io_uring the kernel queues a request's
 * completion work to the thread that submitted it, which a parked submitter would first have
 * to be woken for, then the reaper, then the submitter again). Stateless.
 */
final class Blocking {
    private Blocking() {}

    /** The result of one request, for the thread that parks on it. */
    private static final class Parker implements Outcome, BooleanSupplier {
        final Thread thread = Thread.currentThread();
        volatile boolean done;
        long result;

        @Override
        public boolean getAsBoolean() {
            return done;
        }

        @Override
        public void finished(long r) {
            result = r;
            done = true; // publishes result to the parked thread
            LockSupport.unpark(thread);
        }
    }

    /**
     * Runs a prepared slot's request and waits for its result (bytes, or a negative errno).
     * An interrupt while waiting cancels the request; the wait goes on until its event (the
     * buffer is the kernel's until then), and the interrupt status is set again on return.
     *
     * @throws ClosedChannelException when the file or context was closed before the request was accepted
     */
    static long run(Lane lane, Slot s, String operation, String path) throws ClosedChannelException {
        Parker p = new Parker();
        int gen = s.take();
        s.outcome = p;
        s.operation = operation;
        s.path = path;
        try {
            lane.start(s);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e instanceof IllegalStateException || e instanceof InvalidRequestException ire && ire.errno() == Errno.EBADF) {
                throw new ClosedChannelException();
            }
            throw e;
        }
        boolean interrupted = false;
        boolean helped = false;
        IoContext ctx = lane.context();
        while (!p.done) {
            if (CallbackWaits.helps(ctx)) {
                helped = true;
                try {
                    CallbackWaits.await(ctx, p, -1, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    s.cancel(gen);
                }
                continue;
            }
            LockSupport.park(p);
            if (Thread.interrupted()) {
                interrupted = true;
                s.cancel(gen);
            }
        }
        if (helped) {
            CallbackWaits.doneHelping(ctx);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return p.result;
    }

    /** fsync or fdatasync of a channel's file, waiting; errors as IOException. */
    static void sync(Lane lane, ChannelFile cf, Opcode code) throws IOException {
        Slot s = lane.acquire();
        s.request.prepSync(code, cf.file);
        long r = run(lane, s, code == Opcode.FSYNC ? "fsync" : "fdatasync", cf.pathName);
        if (r < 0) {
            throw Results.failure(r, cf.pathName);
        }
    }
}

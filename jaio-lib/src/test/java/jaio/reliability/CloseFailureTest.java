package jaio.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import jaio.CancelResult;
import jaio.IoContext;
import jaio.TestContexts;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.IoEngine;
import jaio.spi.Op;
import jaio.testkit.TestProvider;
import org.junit.jupiter.api.Test;

/**
 * A close whose engine release fails on the way (an OutOfMemoryError from a full heap, here
 * injected) leaves the release pending: the context is closed for its users, and the next
 * close releases the engine, so that kernel objects are not kept for the rest of the process.
 */
class CloseFailureTest {
    /** Completes NOOPs at once; its first close throws. */
    static final class FailingClose implements IoEngine {
        final EngineContext ectx;
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean released;

        FailingClose(EngineContext ectx) {
            this.ectx = ectx;
        }

        @Override
        public Capabilities capabilities() {
            return TestProvider.capabilities("failing-close");
        }

        @Override
        public void submit(Op[] ops, int from, int count) {
            for (int i = 0; i < count; i++) {
                ops[from + i].result = 0;
                ectx.sink().complete(ops[from + i]);
            }
        }

        @Override
        public CancelResult cancel(Op op) {
            return CancelResult.ALREADY_DONE;
        }

        @Override
        public void cancelAll() {
        }

        @Override
        public boolean needsPumping() {
            return false;
        }

        @Override
        public void close() {
            if (closes.incrementAndGet() == 1) {
                throw new OutOfMemoryError("injected: the heap is full");
            }
            released = true;
        }
    }

    @Test
    void theNextCloseReleasesWhatAFailedCloseLeft() throws Exception {
        TestProvider<FailingClose> p = new TestProvider<>("failing-close", null, FailingClose::new);
        IoContext ctx = TestContexts.open(8, p, 1);
        FailingClose engine = p.last;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, ctx::close);
        assertEquals("injected: the heap is full", e.getMessage());
        assertFalse(ctx.isOpen(), "closed for its users");
        assertFalse(engine.released);
        ctx.close();
        assertEquals(2, engine.closes.get(), "the second close released the engine");
        assertEquals(true, engine.released);
        ctx.close();
        assertEquals(2, engine.closes.get(), "once released, never again");
    }
}

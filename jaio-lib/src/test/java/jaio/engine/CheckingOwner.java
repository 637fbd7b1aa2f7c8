package jaio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jaio.spi.Op;

/**
 * A worker pool's owner for tests: each op handed back finished must be out of the pool
 * (engineState 0) before the test records it; retries are not counted.
 */
abstract class CheckingOwner implements PoolOwner {
    @Override
    public void retried() {
    }

    @Override
    public final void finished(Op op) {
        assertEquals(0, op.engineState, "a finished op is out of the pool");
        record(op);
    }

    /** {@code op} came back finished, on the calling thread. */
    abstract void record(Op op);
}

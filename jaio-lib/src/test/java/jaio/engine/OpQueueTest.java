package jaio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jaio.spi.Op;
import jaio.spi.TestOps;
import org.junit.jupiter.api.Test;

/** The intrusive FIFO: order, removal from anywhere, and the state it leaves on its ops. */
class OpQueueTest {
    private static Op[] ops(int n) {
        Op[] ops = new Op[n];
        for (int i = 0; i < n; i++) {
            ops[i] = TestOps.noop(i);
        }
        return ops;
    }

    @Test
    void opsLeaveInTheOrderTheyCame() {
        OpQueue q = new OpQueue(5);
        Op[] ops = ops(4);
        for (Op op : ops) {
            q.add(op);
            assertEquals(5, op.engineState);
        }
        assertEquals(4, q.size());
        for (Op op : ops) {
            assertSame(op, q.poll());
            assertEquals(0, op.engineState);
            assertNull(op.enext);
            assertNull(op.eprev);
        }
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    @Test
    void anOpIsTakenOutOfTheHeadTheMiddleOrTheTail() {
        OpQueue q = new OpQueue(5);
        Op[] ops = ops(5);
        for (Op op : ops) {
            q.add(op);
        }
        assertTrue(q.remove(ops[2]));
        assertTrue(q.remove(ops[0]));
        assertTrue(q.remove(ops[4]));
        assertEquals(0, ops[2].engineState);
        assertFalse(q.remove(ops[2]), "no longer queued");
        assertEquals(2, q.size());
        assertSame(ops[1], q.poll());
        assertSame(ops[3], q.poll());
        assertTrue(q.isEmpty());
        q.add(ops[0]);
        assertSame(ops[0], q.poll(), "the emptied queue works again");
    }

    @Test
    void anOpInAnotherStateIsLeftAlone() {
        OpQueue q = new OpQueue(5);
        Op mine = TestOps.noop(1);
        q.add(mine);
        Op elsewhere = TestOps.noop(2);
        elsewhere.engineState = 1;
        assertFalse(q.remove(elsewhere));
        assertEquals(1, elsewhere.engineState);
        assertEquals(1, q.size());
        assertThrows(IllegalArgumentException.class, () -> new OpQueue(0));
    }
}

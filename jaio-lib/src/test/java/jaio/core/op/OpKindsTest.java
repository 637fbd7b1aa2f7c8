package jaio.core.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jaio.Opcode;
import jaio.spi.BufferAccess;
import jaio.spi.Memory;
import org.junit.jupiter.api.Test;

/** The opcode table: every opcode described once, the families shared where they should be. */
class OpKindsTest {
    @Test
    void everyOpcodeHasAKind() {
        for (Opcode o : Opcode.values()) {
            assertNotNull(OpKinds.of(o), o + " has no OpKind: add one and its line in OpKinds");
        }
    }

    @Test
    void familiesShareTheirKind() {
        assertSame(OpKinds.of(Opcode.PREAD), OpKinds.of(Opcode.PREADV));
        assertSame(OpKinds.of(Opcode.PWRITE), OpKinds.of(Opcode.PWRITEV));
        assertSame(OpKinds.of(Opcode.FSYNC), OpKinds.of(Opcode.FDSYNC));
        assertTrue(OpKinds.of(Opcode.PREAD) != OpKinds.of(Opcode.PWRITE), "reads and writes check different things");
    }

    /** Only ACCEPT needs finishing (its new descriptor is wrapped before the event is posted). */
    @Test
    void onlyAcceptFinishes() {
        for (Opcode o : Opcode.values()) {
            assertEquals(o == Opcode.ACCEPT, OpKinds.of(o).finishes(), o.toString());
        }
        assertTrue(OpKinds.ANY_FINISHES);
    }

    @Test
    void whichMemoryIsCopied() {
        assertFalse(TransferKind.copied(Memory.STABLE, BufferAccess.NATIVE_STABLE));
        for (byte k : new byte[] {Memory.HEAP, Memory.SHARED, Memory.CONFINED, Memory.HEAP_NO_VIEW}) {
            assertTrue(TransferKind.copied(k, BufferAccess.NATIVE_STABLE), Memory.describe(k));
        }
        assertEquals(false, TransferKind.copied(Memory.HEAP, BufferAccess.THREAD_ACCESSIBLE));
        assertEquals(false, TransferKind.copied(Memory.SHARED, BufferAccess.THREAD_ACCESSIBLE));
        assertTrue(TransferKind.copied(Memory.CONFINED, BufferAccess.THREAD_ACCESSIBLE));
        assertTrue(TransferKind.copied(Memory.HEAP_NO_VIEW, BufferAccess.THREAD_ACCESSIBLE));
    }
}

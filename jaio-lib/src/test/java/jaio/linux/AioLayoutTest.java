package jaio.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The native AIO structs against the kernel's ABI (include/uapi/linux/aio_abi.h, fs/aio.c):
 * sizes and every offset, and the header of a real mapped ring.
 */
class AioLayoutTest {

    @Test
    void iocbIs64BytesWithTheKernelsOffsets() {
        assertEquals(64, Iocb.SIZE);
        assertEquals(0, Iocb.AIO_DATA);
        assertEquals(8, Iocb.AIO_KEY);
        assertEquals(12, Iocb.AIO_RW_FLAGS);
        assertEquals(16, Iocb.AIO_LIO_OPCODE);
        assertEquals(18, Iocb.AIO_REQPRIO);
        assertEquals(20, Iocb.AIO_FILDES);
        assertEquals(24, Iocb.AIO_BUF);
        assertEquals(32, Iocb.AIO_NBYTES);
        assertEquals(40, Iocb.AIO_OFFSET);
        assertEquals(48, Iocb.AIO_RESERVED2);
        assertEquals(56, Iocb.AIO_FLAGS);
        assertEquals(60, Iocb.AIO_RESFD);
    }

    @Test
    void ioEventIs32Bytes() {
        assertEquals(32, IoEvent.SIZE);
        assertEquals(0, IoEvent.DATA);
        assertEquals(8, IoEvent.OBJ);
        assertEquals(16, IoEvent.RES);
        assertEquals(24, IoEvent.RES2);
    }

    @Test
    void ringHeaderAndIovec() {
        assertEquals(32, AioRing.HEADER_SIZE);
        assertEquals(0, AioRing.ID);
        assertEquals(4, AioRing.NR);
        assertEquals(8, AioRing.HEAD);
        assertEquals(12, AioRing.TAIL);
        assertEquals(16, AioRing.MAGIC);
        assertEquals(20, AioRing.COMPAT_FEATURES);
        assertEquals(24, AioRing.INCOMPAT_FEATURES);
        assertEquals(28, AioRing.HEADER_LENGTH);
        assertEquals(32, AioRing.eventOffset(0));
        assertEquals(16, Iovec.SIZE);
        assertEquals(8, Iovec.IOV_LEN);
        assertEquals(16, Timespec.LAYOUT.byteSize());
    }

    @Test
    void setWritesEveryFieldAndZeroesTheReservedOnes() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Iocb.LAYOUT);
            s.fill((byte) 0x5a);
            Iocb.set(s, 0, 0x1122334455667788L, Aio.IOCB_CMD_PWRITEV, 7, 0x1000, 3, 4096, Fs.RWF_NOWAIT,
                    Aio.IOCB_FLAG_RESFD | Aio.IOCB_FLAG_IOPRIO, Fs.ioprioBestEffort(5), 9);
            assertEquals(0x1122334455667788L, Iocb.data(s, 0));
            assertEquals(0, s.get(ValueLayout.JAVA_INT, 8), "aio_key");
            assertEquals(Fs.RWF_NOWAIT, s.get(ValueLayout.JAVA_INT, 12));
            assertEquals(Aio.IOCB_CMD_PWRITEV, Iocb.opcode(s, 0));
            assertEquals((2 << 13) | 5, s.get(ValueLayout.JAVA_SHORT, 18));
            assertEquals(7, s.get(ValueLayout.JAVA_INT, 20));
            assertEquals(0x1000, s.get(ValueLayout.JAVA_LONG, 24));
            assertEquals(3, s.get(ValueLayout.JAVA_LONG, 32));
            assertEquals(4096, s.get(ValueLayout.JAVA_LONG, 40));
            assertEquals(0, s.get(ValueLayout.JAVA_LONG, 48), "aio_reserved2");
            assertEquals(3, Iocb.flags(s, 0));
            assertEquals(9, s.get(ValueLayout.JAVA_INT, 60));
        }
    }

    @Test
    void aRealRingHasTheHeaderJaioReads() {
        assumeTrue(Native.LINUX, Native.UNAVAILABLE_REASON);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            int r = Aio.ioSetup(16, out);
            assumeTrue(r == 0, "io_setup not allowed here: " + r);
            long ctx = out.get(ValueLayout.JAVA_LONG, 0);
            try {
                MemorySegment ring = AioRing.map(ctx, a);
                assertTrue(AioRing.compatible(ring), AioRing.describe(ring));
                assertEquals(AioRing.AIO_RING_MAGIC, ring.get(ValueLayout.JAVA_INT, AioRing.MAGIC));
                assertTrue(AioRing.nr(ring) >= 16);
                assertEquals(AioRing.HEADER_SIZE + AioRing.nr(ring) * IoEvent.SIZE, ring.byteSize());
                assertEquals(AioRing.head(ring), AioRing.tailAcquire(ring));
            } finally {
                assertEquals(0, Aio.ioDestroy(ctx));
            }
        }
    }

    /**
     * The ring is read directly only when its header is exactly one jaio knows; any other
     * magic, feature word or header length (a future kernel's layout) makes the engine reap
     * with io_getevents instead, and map() does not extend the mapping past the header.
     */
    @Test
    void aHeaderJaioDoesNotKnowIsNotTrusted() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(AioRing.LAYOUT);
            long[][] fields = {
                {AioRing.MAGIC, 0x12345678},
                {AioRing.COMPAT_FEATURES, 2},
                {AioRing.INCOMPAT_FEATURES, 1},
                {AioRing.HEADER_LENGTH, 64},
                {AioRing.NR, 0},
            };
            for (long[] f : fields) {
                h.set(ValueLayout.JAVA_INT, AioRing.ID, 0);
                h.set(ValueLayout.JAVA_INT, AioRing.NR, 126);
                h.set(ValueLayout.JAVA_INT, AioRing.MAGIC, AioRing.AIO_RING_MAGIC);
                h.set(ValueLayout.JAVA_INT, AioRing.COMPAT_FEATURES, AioRing.AIO_RING_COMPAT_FEATURES);
                h.set(ValueLayout.JAVA_INT, AioRing.INCOMPAT_FEATURES, AioRing.AIO_RING_INCOMPAT_FEATURES);
                h.set(ValueLayout.JAVA_INT, AioRing.HEADER_LENGTH, (int) AioRing.HEADER_SIZE);
                assertTrue(AioRing.compatible(h), "the known header");
                h.set(ValueLayout.JAVA_INT, f[0], (int) f[1]);
                assertTrue(!AioRing.compatible(h), "header field at " + f[0] + " = " + f[1] + " is not trusted");
                assertEquals(AioRing.HEADER_SIZE, AioRing.map(h.address(), a).byteSize(), "only the header is mapped");
            }
        }
    }
}

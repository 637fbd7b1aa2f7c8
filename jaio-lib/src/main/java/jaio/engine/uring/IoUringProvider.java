package jaio.engine.uring;

import java.io.IOException;
import jaio.Engine;
import jaio.spi.Availability;
import jaio.spi.Capabilities;
import jaio.spi.EngineContext;
import jaio.spi.EngineProvider;
import jaio.spi.IoEngine;

/**
 * Any thread may call it: the probe runs once per process under the class lock, and its result,
 * immutable, is published to every thread through a volatile field.
 *
 * <p>io_uring: available where setup, the opcode probe and a NOP round trip work and the kernel
 * has what jaio needs (see {@link UringProbe}); probed once per process.
 */
public final class IoUringProvider implements EngineProvider {
    public static final IoUringProvider INSTANCE = new IoUringProvider();

    /** Probed once per process, whichever instance asks first. */
    private static volatile UringProbe probe;

    /** For the service loader; code uses {@link #INSTANCE}. Instances share one probe. */
    public IoUringProvider() {}

    UringProbe probe() {
        UringProbe p = probe;
        if (p == null) {
            synchronized (IoUringProvider.class) {
                p = probe;
                if (p == null) {
                    p = UringProbe.run();
                    probe = p;
                }
            }
        }
        return p;
    }

    /** The largest capacity: the largest completion ring io_uring_setup makes (IORING_MAX_CQ_ENTRIES in io_uring/io_uring.c: twice the 32768 SQ entries). */
    public static final int MAX_CAPACITY = 65536;

    @Override
    public int maxCapacity() {
        return MAX_CAPACITY;
    }

    @Override
    public Engine kind() {
        return Engine.IO_URING;
    }

    @Override
    public Availability availability() {
        UringProbe p = probe();
        return p.available() ? Availability.yes(p.reason()) : Availability.no(p.reason());
    }

    @Override
    public Capabilities describe() {
        UringProbe p = probe();
        return p.available() ? UringCapabilities.of(p, null) : null;
    }

    /**
     * @throws IOException when io_uring_setup or the ring mapping fails (naming the errno)
     * @throws UnsupportedOperationException when io_uring is not available here
     */
    @Override
    public IoEngine open(EngineContext context) throws IOException {
        UringProbe p = probe();
        if (!p.available()) {
            throw new UnsupportedOperationException("io_uring is not available here: " + p.reason());
        }
        return new IoUringEngine(context, p);
    }
}

package jaio;

/**
 * The conformance suite on the io_uring engine. Skipped, with the probe's reason, where the
 * kernel refuses io_uring (seccomp filter, kernel.io_uring_disabled, a kernel older than
 * 5.11). The engine's own paths (rings, wake-ups, overflow, cancel answers, timeouts) are
 * tested in {@code jaio.engine.uring}.
 */
class IoUringConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

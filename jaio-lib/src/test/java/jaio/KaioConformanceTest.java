package jaio;

/**
 * The conformance suite on the Linux native AIO engine. Skipped, with the probe's reason,
 * where the kernel has no native AIO (no CONFIG_AIO, a seccomp filter, aio-max-nr reached).
 * The engine's own paths (punting, the ring, wake-ups, POLL, RESFD) are tested in
 * {@code jaio.engine.kaio}.
 */
class KaioConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

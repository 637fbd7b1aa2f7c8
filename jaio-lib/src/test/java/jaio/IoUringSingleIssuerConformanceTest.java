package jaio;

/**
 * The conformance suite on io_uring with single-issuer contexts (IORING_SETUP_SINGLE_ISSUER
 * and DEFER_TASKRUN where the kernel has them): the same rules for the one thread that owns
 * each context; the cases that share a context between threads are skipped.
 */
class IoUringSingleIssuerConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }

    @Override
    protected IoContext.Builder builder(int capacity) {
        return super.builder(capacity).singleIssuer();
    }

    @Override
    protected boolean sharedByThreads() {
        return false;
    }
}

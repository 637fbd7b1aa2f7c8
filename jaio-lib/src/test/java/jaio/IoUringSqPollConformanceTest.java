package jaio;

/**
 * The conformance suite on io_uring with a kernel thread polling the submission ring
 * (IORING_SETUP_SQPOLL): submissions without io_uring_enter, the same rules.
 */
class IoUringSqPollConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }

    @Override
    protected IoContext.Builder builder(int capacity) {
        return super.builder(capacity).sqPoll(true);
    }
}

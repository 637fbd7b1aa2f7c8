package jaio;

/**
 * The conformance suite on io_uring with registered files and registered buffers on: every
 * rule must hold whether or not a request takes the fixed-file and fixed-buffer paths.
 */
class IoUringRegisteredConformanceTest extends EngineConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }

    @Override
    protected IoContext.Builder builder(int capacity) {
        return super.builder(capacity).registerFiles(true).registeredBuffers(2, 64 * 1024);
    }
}

package jaio.nio;

import jaio.Engine;

class IoUringFileChannelTest extends FileChannelConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

package jaio.nio;

import jaio.Engine;

class IoUringAfcTest extends AfcConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

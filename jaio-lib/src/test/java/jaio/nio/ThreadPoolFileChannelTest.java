package jaio.nio;

import jaio.Engine;

class ThreadPoolFileChannelTest extends FileChannelConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }
}

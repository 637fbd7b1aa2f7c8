package jaio.nio;

import jaio.Engine;

class ThreadPoolAfcTest extends AfcConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }
}

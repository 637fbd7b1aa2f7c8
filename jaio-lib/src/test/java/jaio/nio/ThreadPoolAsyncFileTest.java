package jaio.nio;

import jaio.Engine;

class ThreadPoolAsyncFileTest extends AsyncFileConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }
}

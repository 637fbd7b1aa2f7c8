package jaio.nio;

import jaio.Engine;

class IoUringAsyncFileTest extends AsyncFileConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

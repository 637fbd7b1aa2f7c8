package jaio.nio;

import jaio.Engine;

class KaioAsyncFileTest extends AsyncFileConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

package jaio.nio;

import jaio.Engine;

class KaioFileChannelTest extends FileChannelConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

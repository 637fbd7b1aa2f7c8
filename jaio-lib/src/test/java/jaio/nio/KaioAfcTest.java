package jaio.nio;

import jaio.Engine;

class KaioAfcTest extends AfcConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

package jaio.posix;

import jaio.Engine;

/** The POSIX facade's list, notification and lifecycle suite on the KAIO engine. */
class KaioPosixAioListTest extends PosixAioListConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

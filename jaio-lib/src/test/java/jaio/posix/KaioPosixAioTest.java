package jaio.posix;

import jaio.Engine;

/** The POSIX facade's conformance suite on the KAIO engine. */
class KaioPosixAioTest extends PosixAioConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.KAIO;
    }
}

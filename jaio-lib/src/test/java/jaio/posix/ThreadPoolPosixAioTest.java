package jaio.posix;

import jaio.Engine;

/** The POSIX facade's conformance suite on the THREADS engine. */
class ThreadPoolPosixAioTest extends PosixAioConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }
}

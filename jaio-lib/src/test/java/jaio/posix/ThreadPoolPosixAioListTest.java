package jaio.posix;

import jaio.Engine;

/** The POSIX facade's list, notification and lifecycle suite on the THREADS engine. */
class ThreadPoolPosixAioListTest extends PosixAioListConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.THREADS;
    }
}

package jaio.posix;

import jaio.Engine;

/** The POSIX facade's list, notification and lifecycle suite on the IO_URING engine. */
class IoUringPosixAioListTest extends PosixAioListConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

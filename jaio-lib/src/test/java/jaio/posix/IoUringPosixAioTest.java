package jaio.posix;

import jaio.Engine;

/** The POSIX facade's conformance suite on the IO_URING engine. */
class IoUringPosixAioTest extends PosixAioConformanceTest {
    @Override
    protected Engine engine() {
        return Engine.IO_URING;
    }
}

package jaio.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jaio.Errno;
import org.junit.jupiter.api.Test;

/**
 * The system calls made first without errno capture (io_submit, io_uring_enter that does not
 * sleep) still answer a failure with its errno, as the capturing calls do.
 */
class UncapturedCallsTest {

    @Test
    void anEnterThatDoesNotSleepAnswersAFailureAsTheCapturingCallDoes() {
        // A descriptor that is not open: the kernel refuses it before anything else.
        int fd = Integer.MAX_VALUE;
        int captured = IoUring.enter(fd, 1, 0, 0, 0, 0);
        assertEquals(-Errno.EBADF, captured, Errno.describe(captured));
        assertEquals(captured, IoUring.enterNoWait(fd, 1, 0));
        assertEquals(captured, IoUring.enterNoWait(fd, 0, IoUring.IORING_ENTER_GETEVENTS));
        assertEquals(-1L, IoUring.enterUncaptured(fd, 0, 1, IoUring.IORING_ENTER_GETEVENTS, 0, 0));
    }

    @Test
    void anIoSubmitThatFailsAnswersWithItsErrno() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iocbpp = a.allocate(8);
            // No such AIO context: io_submit refuses it with EINVAL, whatever the iocbs.
            assertEquals(-Errno.EINVAL, Aio.ioSubmit(0, 1, iocbpp, 0));
        }
    }
}

package jaio.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import jaio.Opcode;
import jaio.linux.LibC;
import jaio.spi.CompletionSink;
import jaio.spi.Counters;
import jaio.spi.EngineContext;
import jaio.spi.EngineOptions;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * For engine tests below the context: engine contexts, file handles and ops built by hand,
 * the way a context would build them from validated requests. Handles own their descriptor:
 * closing one closes it.
 */
public final class TestOps {
    private TestOps() {}

    /** What a context with default engine options and fresh counters hands to its engine. */
    public static EngineContext context(String name, int capacity, int workers, CompletionSink sink) {
        return new EngineContext(name, capacity, workers, sink, new Counters(), EngineOptions.DEFAULT);
    }

    public static Op noop(long userData) {
        Op op = new Op();
        op.opcode = Opcode.NOOP;
        op.userData = userData;
        return op;
    }

    /** A PREAD of {@code buf}'s bytes at {@code offset}. */
    public static Op read(FileHandle f, MemorySegment buf, long offset, long userData) {
        return transfer(Opcode.PREAD, f, buf, offset, userData);
    }

    /** A PWRITE of {@code buf}'s bytes at {@code offset}. */
    public static Op write(FileHandle f, MemorySegment buf, long offset, long userData) {
        return transfer(Opcode.PWRITE, f, buf, offset, userData);
    }

    private static Op transfer(Opcode opcode, FileHandle f, MemorySegment buf, long offset, long userData) {
        Op op = new Op();
        op.opcode = opcode;
        op.file = f;
        op.setSingle(buf, null);
        op.ioSegs = op.segs;
        op.offset = offset;
        op.userData = userData;
        return op;
    }

    /** A POLL for the poll(2) {@code events} of {@code f}. */
    public static Op poll(FileHandle f, int events, long userData) {
        Op op = new Op();
        op.opcode = Opcode.POLL;
        op.file = f;
        op.pollEvents = events;
        op.userData = userData;
        return op;
    }

    /**
     * A read-only handle on a file, opened with O_DIRECT when {@code direct} (its memory,
     * offsets and lengths then aligned to 4 KiB blocks).
     */
    public static FileHandle openFile(Path p, boolean direct) {
        int fd = LibC.open(p.toString(), LibC.O_RDONLY | (direct ? LibC.O_DIRECT : 0), 0);
        assertTrue(fd >= 0, "open " + p + ": " + fd);
        int align = direct ? 4096 : 1;
        return new FileHandle(p.toString(), FileHandle.Kind.FILE, true, false, direct, false, false, fd, align, align,
                align, null, null, (d, ch) -> LibC.close(d));
    }

    /** A handle on the read or the write end of a pipe. */
    public static FileHandle pipeEnd(int fd, boolean read) {
        return handle("pipe[" + fd + "]", FileHandle.Kind.PIPE, read, !read, fd);
    }

    /** A handle on an eventfd, for reading and writing. */
    public static FileHandle eventFd(int fd) {
        return handle("eventfd[" + fd + "]", FileHandle.Kind.EVENTFD, true, true, fd);
    }

    private static FileHandle handle(String name, FileHandle.Kind kind, boolean readable, boolean writable, int fd) {
        return new FileHandle(name, kind, readable, writable, false, false, false, fd, 1, 1, 1, null, null,
                (d, ch) -> LibC.close(d));
    }
}

package jaio.engine.threads;

import jaio.engine.Worker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Set;
import jaio.RequestFlag;
import jaio.spi.FileHandle;
import jaio.spi.Op;

/**
 * Any thread (it holds only the stream driver): PREAD, PWRITE, PREADV and PWRITEV on a worker,
 * one call per iteration on the buffer that holds the next byte, so a vector moves one buffer
 * at a time and the retry machinery continues it (E4): system calls on the descriptor
 * ({@link DescriptorIo}) where it is known, positional FileChannel I/O elsewhere. Pipes,
 * eventfds and sockets are carried as streams by the {@link StreamDriver} (non-blocking calls,
 * waiting on the poller thread).
 */
final class TransferDriver implements OpDriver {
    private static final int SYNC_BITS = RequestFlag.DSYNC.bit() | RequestFlag.SYNC.bit();

    /** Pipes, eventfds and other streams, which have no FileChannel; null off Linux. */
    private final StreamDriver streams;

    TransferDriver(StreamDriver streams) {
        this.streams = streams;
    }

    @Override
    public boolean inline() {
        return false;
    }

    @Override
    public long iterate(Op op) throws IOException {
        if (streams != null && op.file.kind() != FileHandle.Kind.FILE) {
            return streams.iterate(op);
        }
        if (DescriptorIo.usable(op)) {
            return DescriptorIo.transfer(op);
        }
        FileChannel ch = op.file.channel();
        ByteBuffer v = position(op);
        if (op.isRead()) {
            int n = ch.read(v, op.nextOffset());
            return n < 0 ? 0 : n;
        }
        int n = ch.write(v, op.nextOffset());
        // A DSYNC or SYNC request is durable when its event comes: the last write forces.
        if (n > 0 && (op.flags & SYNC_BITS) != 0 && op.done + n >= op.length) {
            ch.force((op.flags & RequestFlag.SYNC.bit()) != 0);
        }
        return n;
    }

    /** A read of a file through its descriptor that the page cache holds in full; nothing else. */
    @Override
    public long iterateQuick(Op op) {
        return op.file.kind() == FileHandle.Kind.FILE && DescriptorIo.usable(op)
                ? DescriptorIo.readIfCached(op) : Worker.WOULD_WAIT;
    }

    /**
     * Streams, yes (non-blocking calls; what is not ready goes to the poller). Files only
     * through their descriptor (an interrupt of the thread would close a FileChannel for every
     * later request) and into native memory (heap memory goes through a worker's scratch buffer,
     * which a waiting thread should not be made to keep).
     */
    @Override
    public boolean runsOnWaiter(Op op) {
        if (op.file.kind() != FileHandle.Kind.FILE) {
            // Without the stream driver a stream is waited for with poll(2), on the thread.
            return streams != null;
        }
        if (!DescriptorIo.usable(op)) {
            return false;
        }
        for (int i = 0; i < op.segCount; i++) {
            if (!op.ioSegs[i].isNative()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Set<RequestFlag> flags() {
        return Set.of(RequestFlag.DSYNC, RequestFlag.SYNC);
    }

    @Override
    public List<String> features() {
        return List.of("DSYNC/SYNC writes are followed by fdatasync/fsync",
                "a read of a pipe or eventfd gives what is there; one that is not ready waits on the poller thread",
                "O_DIRECT aligned to the file store's block size (FileChannel's rule)");
    }

    /** The view of the buffer where the next byte goes, positioned at it. */
    private static ByteBuffer position(Op op) {
        long skip = op.done;
        int i = 0;
        while (i < op.segCount - 1 && skip >= op.ioSegs[i].byteSize()) {
            skip -= op.ioSegs[i].byteSize();
            i++;
        }
        ByteBuffer v = op.view(i);
        v.limit(v.capacity()).position((int) skip);
        return v;
    }
}

package jaio.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/**
 * A file lock of a jaio channel: a real lock (fcntl, taken by the JDK channel underneath),
 * reported as acquired by the jaio channel. Valid until released or the channel is closed.
 */
final class JaioFileLock extends FileLock {
    private final FileLock held;

    JaioFileLock(AsynchronousFileChannel channel, FileLock held) {
        super(channel, held.position(), held.size(), held.isShared());
        this.held = held;
    }

    JaioFileLock(FileChannel channel, FileLock held) {
        super(channel, held.position(), held.size(), held.isShared());
        this.held = held;
    }

    @Override
    public boolean isValid() {
        return held.isValid();
    }

    @Override
    public void release() throws IOException {
        held.release();
    }
}

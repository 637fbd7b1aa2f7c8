package jaio.nio;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in another JVM: says whether a byte range of a file is locked by someone else. */
public final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock(Long.parseLong(args[1]), 1, false);
            System.out.println(l == null ? "locked-elsewhere" : "free");
        }
    }
}

package jaio.nio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import com.sun.nio.file.ExtendedOpenOption;
import jaio.IoFile;

/**
 * A file opened for a channel of this package: the jaio file the I/O goes through, and a
 * JDK FileChannel on the same file for what the JDK must do (creating it with the given
 * attributes, file locks, which the JDK keeps in one table per file for the whole process so
 * that overlaps are refused across channels, and {@code map}). Immutable.
 */
final class ChannelFile {
    final IoFile file;
    final FileChannel jdk;
    final Path path;
    final String pathName;
    final boolean reading;
    final boolean writing;

    private ChannelFile(IoFile file, FileChannel jdk, Path path, boolean reading, boolean writing) {
        this.file = file;
        this.jdk = jdk;
        this.path = path;
        this.pathName = path.toString();
        this.reading = reading;
        this.writing = writing;
    }

    /** Whether jaio can serve these options (the rest go to the JDK's own channels). */
    static boolean serves(Set<? extends OpenOption> options) {
        for (OpenOption o : options) {
            if (o == StandardOpenOption.APPEND) {
                return false; // O_APPEND's atomic end-of-file writes: jaio's requests are positional
            }
            if (!(o instanceof StandardOpenOption) && o != ExtendedOpenOption.DIRECT && o != LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens {@code path}: the JDK channel first, through {@code platform} (it creates, truncates
     * and applies attributes as the JDK does, and reports errors the JDK's way), then the jaio
     * file with the access mode and the synchronous/direct options.
     *
     * @throws UnsupportedOperationException for APPEND or an option jaio does not know
     */
    static ChannelFile open(FileSystemProvider platform, Path path, Set<? extends OpenOption> options,
                            FileAttribute<?>... attrs) throws IOException {
        if (!serves(options)) {
            throw new UnsupportedOperationException("jaio does not serve these options: " + options);
        }
        boolean writing = options.contains(StandardOpenOption.WRITE);
        boolean reading = options.contains(StandardOpenOption.READ) || !writing;
        Set<OpenOption> jdkOpts = new HashSet<>(options);
        jdkOpts.remove(ExtendedOpenOption.DIRECT);
        FileChannel jdk = platform.newFileChannel(path, jdkOpts, attrs);
        List<OpenOption> mine = new ArrayList<>();
        if (reading) {
            mine.add(StandardOpenOption.READ);
        }
        if (writing) {
            mine.add(StandardOpenOption.WRITE);
        }
        for (OpenOption o : options) {
            if (o == StandardOpenOption.DSYNC || o == StandardOpenOption.SYNC) {
                mine.add(o);
            } else if (o == ExtendedOpenOption.DIRECT) {
                mine.add(IoFile.DIRECT);
            }
        }
        try {
            IoFile f = IoFile.open(path, mine.toArray(OpenOption[]::new));
            return new ChannelFile(f, jdk, path, reading, writing);
        } catch (IOException | RuntimeException e) {
            jdk.close();
            throw e;
        }
    }

    /** Closes both; locks held through the JDK channel are released (and become invalid). */
    void close() throws IOException {
        file.close();
        jdk.close();
    }

    /**
     * Runs a call on the JDK channel with this thread's interrupt status put aside: the JDK
     * channel closes itself when a thread blocked in it is interrupted, and jaio's channels must
     * not (an interrupted handler thread does not close an AsynchronousFileChannel).
     */
    <T> T uninterrupted(JdkCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return call.run(jdk);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A call on the JDK channel. */
    interface JdkCall<T> {
        T run(FileChannel jdk) throws IOException;
    }
}

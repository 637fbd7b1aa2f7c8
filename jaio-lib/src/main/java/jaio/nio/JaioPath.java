package jaio.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of {@link JaioFileSystem}: the platform's path inside, so that code which asks a
 * path for its file system's provider (as {@code Files} does) reaches jaio's provider.
 * Immutable, as every Path.
 */
final class JaioPath implements Path {
    private final JaioFileSystem fs;
    final Path inner;

    JaioPath(JaioFileSystem fs, Path inner) {
        this.fs = fs;
        this.inner = Objects.requireNonNull(inner);
    }

    /** The platform path of {@code p}, which must be one of ours. */
    static Path unwrap(Path p) {
        if (p instanceof JaioPath j) {
            return j.inner;
        }
        if (p == null) {
            throw new NullPointerException();
        }
        throw new ProviderMismatchException("not a path of the default file system: " + p.getClass().getName());
    }

    private Path wrap(Path p) {
        return p == null ? null : new JaioPath(fs, p);
    }

    @Override
    public FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return inner.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(inner.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(inner.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(inner.getParent());
    }

    @Override
    public int getNameCount() {
        return inner.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(inner.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(inner.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof JaioPath j && inner.startsWith(j.inner);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof JaioPath j && inner.endsWith(j.inner);
    }

    @Override
    public Path normalize() {
        return wrap(inner.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(inner.resolve(unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(inner.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return inner.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(inner.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(inner.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return inner.register(watcher, events, modifiers);
    }

    @Override
    public int compareTo(Path other) {
        return inner.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JaioPath j && inner.equals(j.inner);
    }

    @Override
    public int hashCode() {
        return inner.hashCode();
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}

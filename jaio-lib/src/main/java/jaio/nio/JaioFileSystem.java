package jaio.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The default file system seen through jaio's provider: the platform's, with paths wrapped. Immutable. */
final class JaioFileSystem extends FileSystem {
    private final JaioFileSystemProvider provider;
    final FileSystem inner;

    JaioFileSystem(JaioFileSystemProvider provider, FileSystem inner) {
        this.provider = provider;
        this.inner = inner;
    }

    Path wrap(Path p) {
        return p == null ? null : new JaioPath(this, p);
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        inner.close(); // the default file system: UnsupportedOperationException, as the JDK's
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return inner.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return inner.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> l = new ArrayList<>();
        for (Path p : inner.getRootDirectories()) {
            l.add(wrap(p));
        }
        return l;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return inner.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return inner.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(inner.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = inner.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(p instanceof JaioPath j ? j.inner : p);
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return inner.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return inner.newWatchService();
    }
}

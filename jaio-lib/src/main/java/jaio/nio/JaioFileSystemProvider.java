package jaio.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The drop-in switch (J2): a provider for the default file system that wraps the platform's
 * and serves files through jaio. Run unchanged code with
 * <pre>{@code -Djava.nio.file.spi.DefaultFileSystemProvider=jaio.nio.JaioFileSystemProvider}</pre>
 * (jaio on the class path or module path, and {@code --enable-native-access} for it) and
 * {@code FileChannel.open}, {@code AsynchronousFileChannel.open} and {@code Files.newByteChannel}
 * return {@link JaioFileChannel} and {@link JaioAsynchronousFileChannel}. Everything else
 * (attributes, directories, streams, copies, links) is the platform provider's, and so are
 * channels opened with options jaio does not serve (APPEND, or options of other providers).
 *
 * <p>The JDK builds this provider once, with the platform's provider, through the system class
 * loader; paths of the default file system are then jaio's wrappers around the platform's.
 */
public final class JaioFileSystemProvider extends FileSystemProvider {
    private final FileSystemProvider platform;
    private final JaioFileSystem fs;

    /**
     * Called by the JDK with the platform's default provider.
     *
     * @throws IllegalArgumentException when {@code platform} is not a provider of the "file" scheme
     */
    public JaioFileSystemProvider(FileSystemProvider platform) {
        if (!"file".equals(platform.getScheme())) {
            throw new IllegalArgumentException("jaio wraps the platform's file provider, not " + platform.getScheme());
        }
        this.platform = platform;
        this.fs = new JaioFileSystem(this, platform.getFileSystem(URI.create("file:///")));
    }

    /** The provider wrapped. */
    public FileSystemProvider platform() {
        return platform;
    }

    private static Path in(Path p) {
        return JaioPath.unwrap(p);
    }

    // ------------------------------------------------------------------ what jaio serves

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        if (!ChannelFile.serves(options)) {
            return platform.newFileChannel(in(path), options, attrs);
        }
        return JaioFileChannel.open(Lane.shared(), platform, in(path), options, attrs);
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
                                                              ExecutorService executor, FileAttribute<?>... attrs)
            throws IOException {
        if (!ChannelFile.serves(options)) {
            return platform.newAsynchronousFileChannel(in(path), options, executor, attrs);
        }
        return JaioAsynchronousFileChannel.open(Lane.shared(), platform, in(path), options, executor, attrs);
    }

    /** A FileChannel of jaio's where the options allow one (a regular file), else the platform's channel. */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path p = in(path);
        if (!ChannelFile.serves(options) || platform.readAttributesIfExists(p, BasicFileAttributes.class) instanceof BasicFileAttributes a
                && !a.isRegularFile()) {
            return platform.newByteChannel(p, options, attrs);
        }
        return JaioFileChannel.open(Lane.shared(), platform, p, options, attrs);
    }

    // ------------------------------------------------------------------ passed through

    @Override
    public String getScheme() {
        return platform.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return platform.newFileSystem(uri, env);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        platform.getFileSystem(uri); // its checks of the URI
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        return fs.wrap(platform.getPath(uri));
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        return platform.newInputStream(in(path), options);
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        return platform.newOutputStream(in(path), options);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> s = platform.newDirectoryStream(in(dir), p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = s.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return fs.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        platform.createDirectory(in(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        platform.createSymbolicLink(in(link), in(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        platform.createLink(in(link), in(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        platform.delete(in(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return platform.deleteIfExists(in(path));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fs.wrap(platform.readSymbolicLink(in(link)));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        platform.copy(in(source), in(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        platform.move(in(source), in(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return platform.isSameFile(in(path), in(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return platform.isHidden(in(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return platform.getFileStore(in(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        platform.checkAccess(in(path), modes);
    }

    @Override
    public boolean exists(Path path, LinkOption... options) {
        return platform.exists(in(path), options);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return platform.getFileAttributeView(in(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return platform.readAttributes(in(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributesIfExists(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return platform.readAttributesIfExists(in(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return platform.readAttributes(in(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        platform.setAttribute(in(path), attribute, value, options);
    }
}

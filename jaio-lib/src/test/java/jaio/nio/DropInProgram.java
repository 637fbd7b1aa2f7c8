package jaio.nio;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A program that uses JDK APIs only (nothing of jaio's), run by {@link DropInProviderTest} in a
 * JVM of its own. It prints which classes served its channels and checksums of what it read.
 */
public final class DropInProgram {
    private DropInProgram() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path f = dir.resolve("data.bin");
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            System.out.println("FileChannel.open: " + ch.getClass().getName());
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, StandardOpenOption.READ)) {
            System.out.println("AsynchronousFileChannel.open: " + ch.getClass().getName());
            ByteBuffer b = ByteBuffer.allocateDirect(data.length);
            long pos = 0;
            int n;
            while ((n = ch.read(b, pos).get()) > 0) {
                pos += n;
            }
            b.flip();
            byte[] got = new byte[b.remaining()];
            b.get(got);
            System.out.println("afc equal: " + Arrays.equals(data, got));
        }
        try (SeekableByteChannel ch = Files.newByteChannel(f)) {
            System.out.println("Files.newByteChannel: " + ch.getClass().getName());
            ByteBuffer b = ByteBuffer.allocate(data.length + 1);
            while (ch.read(b) > 0) {
                // to the end
            }
            CRC32 a = new CRC32();
            a.update(data);
            CRC32 c = new CRC32();
            c.update(b.flip());
            System.out.println("newByteChannel crc equal: " + (a.getValue() == c.getValue()));
        }
        System.out.println("readAllBytes equal: " + Arrays.equals(data, Files.readAllBytes(f)));
        System.out.println("provider: " + f.getFileSystem().provider().getClass().getName());
        try (var s = Files.list(dir)) {
            System.out.println("listed: " + s.map(p -> p.getFileName().toString()).toList());
        }
        Files.delete(f);
        System.out.println("exists after delete: " + Files.exists(f));
    }
}

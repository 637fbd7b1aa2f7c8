package jaio.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The drop-in switch: a JDK-API-only program run with the property set is served by jaio, with the right bytes. */
@Timeout(180)
class DropInProviderTest {
    @TempDir
    Path dir;

    @Test
    void unchangedJdkCodeRunsOnJaio() throws Exception {
        Forked.Result r = Forked.run(List.of("-Djava.nio.file.spi.DefaultFileSystemProvider=" + JaioFileSystemProvider.class.getName()),
                DropInProgram.class, dir.toString());
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("FileChannel.open: jaio.nio.JaioFileChannel"), out);
        assertTrue(out.contains("AsynchronousFileChannel.open: jaio.nio.JaioAsynchronousFileChannel"), out);
        assertTrue(out.contains("Files.newByteChannel: jaio.nio.JaioFileChannel"), out);
        assertTrue(out.contains("afc equal: true"), out);
        assertTrue(out.contains("newByteChannel crc equal: true"), out);
        assertTrue(out.contains("readAllBytes equal: true"), out);
        assertTrue(out.contains("provider: jaio.nio.JaioFileSystemProvider"), out);
        assertTrue(out.contains("listed: [data.bin]"), out);
        assertTrue(out.contains("exists after delete: false"), out);
    }

    @Test
    void withoutThePropertyTheJdkServes() throws Exception {
        Forked.Result r = Forked.run(List.of(), DropInProgram.class, dir.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("FileChannel.open: sun.nio.ch.FileChannelImpl"), r.output());
    }
}

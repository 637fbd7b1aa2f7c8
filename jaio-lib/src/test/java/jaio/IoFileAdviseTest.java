package jaio;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IoFile#advise}: posix_fadvise on the file's descriptor, with its errors named. */
class IoFileAdviseTest {
    @TempDir
    Path dir;

    @Test
    void everyAdviceIsTakenOnARegularFile() throws IOException {
        Path p = Files.write(dir.resolve("f"), new byte[64 * 1024]);
        try (IoFile f = IoFile.open(p)) {
            for (IoFile.Advice a : IoFile.Advice.values()) {
                assertTrue(f.advise(a, 0, 0), a.name());
                assertTrue(f.advise(a, 4096, 8192), a.name());
            }
        }
    }

    @Test
    void aPipeCannotBeAdvisedAndTheErrorSaysWhy() throws IOException {
        IoFile[] pipe = IoFile.pipe();
        try {
            IOException e = assertThrows(IOException.class, () -> pipe[0].advise(IoFile.Advice.RANDOM, 0, 0));
            assertTrue(e.getMessage().contains("ESPIPE"), e.getMessage());
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
    }

    @Test
    void badArgumentsAndAClosedFileAreRefused() throws IOException {
        Path p = Files.write(dir.resolve("f"), new byte[4096]);
        IoFile f = IoFile.open(p);
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> f.advise(IoFile.Advice.RANDOM, -1, 0));
        assertTrue(neg.getMessage().contains("offset -1"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.advise(IoFile.Advice.RANDOM, 0, -5));
        NullPointerException npe = assertThrows(NullPointerException.class, () -> f.advise(null, 0, 0));
        assertTrue(npe.getMessage().contains("advice"), npe.getMessage());
        f.close();
        assertThrows(ClosedChannelException.class, () -> f.advise(IoFile.Advice.RANDOM, 0, 0));
    }
}

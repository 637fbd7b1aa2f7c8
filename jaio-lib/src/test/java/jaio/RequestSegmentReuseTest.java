package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request re-prepared on the same ByteBuffer and window reuses its segment (no allocation per read). */
class RequestSegmentReuseTest {
    @TempDir
    Path dir;

    @Test
    void theSameBufferAndWindowGiveTheSameSegmentAndAnotherWindowANewOne() throws IOException {
        try (IoFile f = IoFile.open(Files.write(dir.resolve("f"), new byte[8192]))) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            Request r = Request.pread(f, b, 0);
            var first = r.op.segs[0];
            r.prepPread(f, b, 4096);
            assertSame(first, r.op.segs[0], "same buffer, same window");
            b.position(100);
            r.prepPread(f, b, 0);
            assertNotSame(first, r.op.segs[0], "the window moved");
            assertEquals(4096 - 100, r.op.segs[0].byteSize());
            r.prepPread(f, ByteBuffer.allocateDirect(4096), 0);
            assertEquals(4096, r.op.segs[0].byteSize(), "another buffer gets its own segment");
        }
    }
}

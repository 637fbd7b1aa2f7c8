package jaio.bench.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jaio.IoFile;
import jaio.bench.plan.JobSpec;

/**
 * The file a run uses: laid out with real data when it is missing or shorter than the job's
 * region (fio's "Laying out IO file"), and reused as it is otherwise, so the 1 GiB default is
 * written once. Layout uses large sequential writes of pseudo-random data (not zeros, not a
 * sparse hole: reads must touch real blocks) and ends with an fsync, so that dropping the page
 * cache afterwards really drops it (dirty pages cannot be dropped).
 */
public final class DataFile {
    private static final int CHUNK = 1 << 20;

    private DataFile() {}

    /**
     * Makes sure {@code file} holds at least {@code size} bytes of data.
     *
     * @param log where to say that the file is being laid out (stderr)
     * @return true when it had to be written
     */
    public static boolean ensure(Path file, long size, PrintStream log) throws IOException {
        long have = Files.exists(file) ? Files.size(file) : -1;
        if (have >= size) {
            return false;
        }
        log.printf("jaio bench: laying out %s (%s) ...%n", file, jaio.bench.report.Units.binary(size));
        long t0 = System.nanoTime();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long x = 0x243F6A8885A308D3L;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long from = Math.max(0, have) & ~(long) (CHUNK - 1);
            for (long off = from; off < size; off += CHUNK) {
                for (int i = 0; i < CHUNK; i += 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    buf.putLong(i, x);
                }
                int len = (int) Math.min(CHUNK, size - off);
                buf.clear().limit(len);
                while (buf.hasRemaining()) {
                    ch.write(buf, off + buf.position());
                }
            }
            ch.force(true);
        }
        log.printf("jaio bench: laid out in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return true;
    }

    /**
     * Drops the file's pages from the page cache (fio's invalidate=1).
     *
     * @return null when done, else why it could not be (the run goes on; the report says so)
     */
    public static String invalidate(Path file) {
        return LinuxCalls.dropPageCache(file);
    }

    /** fio's fadvise_hint: the job's access advice, given on a file as fio gives it after each open. */
    static void advise(JobSpec spec, IoFile f) throws IOException {
        IoFile.Advice a = switch (spec.fadvise()) {
            case NONE -> null;
            case TYPE -> spec.rw().random() ? IoFile.Advice.RANDOM : IoFile.Advice.SEQUENTIAL;
            case RANDOM -> IoFile.Advice.RANDOM;
            case SEQUENTIAL -> IoFile.Advice.SEQUENTIAL;
            case NOREUSE -> IoFile.Advice.NOREUSE;
        };
        if (a != null) {
            f.advise(a, 0, 0);
        }
    }
}

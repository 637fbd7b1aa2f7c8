package jaio.bench.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import jaio.bench.plan.JobSpec;

/** What the two JDK baselines share: open options (O_DIRECT through the JDK) and aligned buffers. */
final class JdkFiles {
    private JdkFiles() {}

    /** READ and WRITE, plus the JDK's O_DIRECT option when the job is direct. */
    static Set<OpenOption> options(JobSpec spec) throws IOException {
        Set<OpenOption> o = new HashSet<>();
        o.add(StandardOpenOption.READ);
        o.add(StandardOpenOption.WRITE);
        if (spec.direct()) {
            o.add(direct());
        }
        return o;
    }

    /**
     * com.sun.nio.file.ExtendedOpenOption.DIRECT, looked up by name: it lives in jdk.unsupported,
     * and naming it in code draws a compiler warning about internal API.
     */
    private static OpenOption direct() throws IOException {
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            for (Object v : c.getEnumConstants()) {
                if (((Enum<?>) v).name().equals("DIRECT")) {
                    return (OpenOption) v;
                }
            }
        } catch (ClassNotFoundException e) {
            // fall through
        }
        throw new IOException("this JDK has no O_DIRECT open option (com.sun.nio.file.ExtendedOpenOption.DIRECT)");
    }

    /** A direct buffer of the job's largest block, aligned for O_DIRECT on {@code file} when direct. */
    static ByteBuffer buffer(JobSpec spec, Path file) throws IOException {
        int size = (int) spec.bs().maxOfAll();
        int align = spec.direct() ? (int) Math.max(4096, Files.getFileStore(file).getBlockSize()) : 8;
        return ByteBuffer.allocateDirect(size + align).alignedSlice(align).slice(0, size);
    }

    /** Fills a write buffer with data (fio's buffers are not zero either). */
    static void fill(ByteBuffer b, int thread) {
        long x = 0x9E3779B97F4A7C15L * thread ^ 0x2545F4914F6CDD1DL;
        for (int i = 0; i + 8 <= b.capacity(); i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
    }
}

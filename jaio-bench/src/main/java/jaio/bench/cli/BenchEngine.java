package jaio.bench.cli;

import java.util.List;
import jaio.Engine;

/**
 * What drives the I/O: one of jaio's engines, or one of the two JDK baselines that make a
 * comparison a single command.
 */
public enum BenchEngine {
    URING("uring", Engine.IO_URING),
    KAIO("kaio", Engine.KAIO),
    THREADS("threads", Engine.THREADS),
    AUTO("auto", Engine.AUTO),
    /** The JDK's AsynchronousFileChannel on a fixed pool, iodepth requests outstanding. */
    JDK_AFC("jdk-afc", null),
    /** FileChannel positional reads and writes, one synchronous call at a time per job. */
    JDK_FC("jdk-fc", null);

    /** The names accepted by {@code --engine}, in this order. */
    public static final List<String> NAMES = List.of("uring", "kaio", "threads", "auto", "jdk-afc", "jdk-fc");

    private final String cliName;
    private final Engine jaio;

    BenchEngine(String cliName, Engine jaio) {
        this.cliName = cliName;
        this.jaio = jaio;
    }

    public String cliName() {
        return cliName;
    }

    /** The jaio engine, or null for a JDK baseline. */
    public Engine jaioEngine() {
        return jaio;
    }

    /**
     * Parses {@code --engine}; fio's names for the same kernel interfaces (io_uring, libaio)
     * are accepted too, so {@code --ioengine=libaio} from a fio command line works.
     */
    public static BenchEngine parse(String option, String text) throws UsageException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("io_uring")) {
            return URING;
        }
        if (t.equals("libaio")) {
            return KAIO;
        }
        return values()[Values.choice(option, text, NAMES)];
    }
}

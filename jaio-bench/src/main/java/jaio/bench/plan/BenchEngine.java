package jaio.bench.plan;

import java.util.List;
import java.util.Locale;
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
    JDK_FC("jdk-fc", null),
    /** jaio's AsynchronousFileChannel (jaio.nio), driven as jdk-afc is. */
    JAIO_AFC("jaio-afc", null),
    /** jaio's blocking FileChannel (jaio.nio), driven as jdk-fc is. */
    JAIO_FC("jaio-fc", null),
    /** jaio's POSIX AIO facade (jaio.posix) over the automatic engine: fio's posixaio, on jaio. */
    POSIX("posix", null);

    /** The names accepted by {@code --engine}, in this order. */
    public static final List<String> NAMES = List.of("uring", "kaio", "threads", "auto", "jdk-afc", "jdk-fc", "jaio-afc",
            "jaio-fc", "posix");

    /** fio's engine names jaio runs, and what runs them. */
    public static final List<String> FIO_NAMES = List.of("io_uring", "libaio", "psync", "sync", "pvsync", "posixaio");

    private final String cliName;
    private final Engine jaio;

    BenchEngine(String cliName, Engine jaio) {
        this.cliName = cliName;
        this.jaio = jaio;
    }

    public String cliName() {
        return cliName;
    }

    /** Whether it runs through a FileChannel-like loop, one call at a time per job. */
    public boolean fileChannel() {
        return this == JDK_FC || this == JAIO_FC;
    }

    /** Whether it runs through an AsynchronousFileChannel with completion handlers. */
    public boolean asyncChannel() {
        return this == JDK_AFC || this == JAIO_AFC;
    }

    /** The jaio engine, or null for a channel engine (the JDK's, or jaio's facades on their own context) and the POSIX facade (which runs on AUTO). */
    public Engine jaioEngine() {
        return jaio;
    }

    /**
     * The engine for a name: jaio's own, or fio's for the same mechanism: {@code io_uring} is
     * uring, {@code libaio} is kaio, {@code psync}, {@code sync} and {@code pvsync} are the
     * threads engine (a pool doing the same positional calls), {@code posixaio} is posix.
     *
     * @return null when the name is neither jaio's nor one of fio's that jaio maps
     */
    public static BenchEngine byName(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "io_uring" -> URING;
            case "libaio" -> KAIO;
            case "psync", "sync", "pvsync" -> THREADS;
            case "posixaio" -> POSIX;
            default -> {
                int i = NAMES.indexOf(t);
                yield i < 0 ? null : values()[i];
            }
        };
    }
}

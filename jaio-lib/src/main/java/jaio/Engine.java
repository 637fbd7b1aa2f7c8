package jaio;

import java.util.Locale;

/**
 * The machinery that drives a context's requests to completion.
 *
 * <p>{@link #AUTO} probes what this machine allows and takes the first that works, in the
 * order io_uring, Linux native AIO, threads. {@link IoContext#engineInfo()} tells which one a
 * context got and why the others were passed over.
 */
public enum Engine {
    /** Probe and choose: io_uring, then Linux native AIO, then the portable thread pool. */
    AUTO("auto"),
    /** io_uring through the FFM API: rings in shared memory, truly asynchronous file I/O. */
    IO_URING("uring"),
    /** Linux native AIO (io_setup, io_submit, io_getevents) through the FFM API. */
    KAIO("kaio"),
    /** A portable pure-Java engine: positional FileChannel I/O on a bounded worker pool. */
    THREADS("threads");

    private final String shortName;

    Engine(String shortName) {
        this.shortName = shortName;
    }

    /** The name used on command lines and in reports: auto, uring, kaio, threads. */
    public String shortName() {
        return shortName;
    }

    /**
     * The engine with this short name or constant name, case-insensitive.
     *
     * @throws IllegalArgumentException naming the allowed values when there is no such engine
     */
    public static Engine parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Engine e : values()) {
            if (e.shortName.equals(n) || e.name().toLowerCase(Locale.ROOT).equals(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': allowed are auto, uring, kaio, threads");
    }
}

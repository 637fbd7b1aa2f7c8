package jaio.bench.cli;

import java.util.List;

/** fio's {@code --rw} patterns the tool runs. */
public enum Rw {
    READ("read", false, true, false),
    WRITE("write", false, false, true),
    RANDREAD("randread", true, true, false),
    RANDWRITE("randwrite", true, false, true),
    RANDRW("randrw", true, true, true);

    /** The names accepted by {@code --rw}, in this order. */
    public static final List<String> NAMES = List.of("read", "write", "randread", "randwrite", "randrw");

    private final String fioName;
    private final boolean random;
    private final boolean reads;
    private final boolean writes;

    Rw(String fioName, boolean random, boolean reads, boolean writes) {
        this.fioName = fioName;
        this.random = random;
        this.reads = reads;
        this.writes = writes;
    }

    public String fioName() {
        return fioName;
    }

    /** Offsets drawn at random (else sequential, wrapping at the end of the region). */
    public boolean random() {
        return random;
    }

    /** Whether the pattern issues reads. */
    public boolean reads() {
        return reads;
    }

    /** Whether the pattern issues writes. */
    public boolean writes() {
        return writes;
    }
}

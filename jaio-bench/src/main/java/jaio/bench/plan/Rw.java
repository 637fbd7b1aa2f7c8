package jaio.bench.plan;

import java.util.List;

/** fio's {@code rw} patterns the tool runs (trims are not among them). */
public enum Rw {
    READ("read", false, true, false),
    WRITE("write", false, false, true),
    RANDREAD("randread", true, true, false),
    RANDWRITE("randwrite", true, false, true),
    /** Sequential mixed reads and writes (fio's rw, alias readwrite). */
    RW("rw", false, true, true),
    RANDRW("randrw", true, true, true);

    /** The names accepted by {@code rw}, in this order ("readwrite" is accepted for rw). */
    public static final List<String> NAMES = List.of("read", "write", "randread", "randwrite", "rw", "randrw");

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

    /** Offsets drawn at random (else sequential). */
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

    /** Both reads and writes (the mix is set by rwmixread). */
    public boolean mixed() {
        return reads && writes;
    }
}

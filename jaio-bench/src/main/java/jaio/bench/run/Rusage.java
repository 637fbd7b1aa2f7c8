package jaio.bench.run;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A getrusage snapshot: CPU time in user and kernel mode, context switches (voluntary: the
 * thread waited; involuntary: it was preempted) and page faults, of the whole process (every
 * thread, alive or ended) or of the calling thread. fio's {@code ctx} is voluntary + involuntary.
 *
 * @param userNanos    CPU time in user mode
 * @param systemNanos  CPU time in the kernel
 * @param voluntary    voluntary context switches
 * @param involuntary  involuntary context switches
 * @param minorFaults  page faults served without I/O
 * @param majorFaults  page faults that needed I/O
 */
public record Rusage(long userNanos, long systemNanos, long voluntary, long involuntary, long minorFaults, long majorFaults) {
    /** All -1: not measured (not Linux). */
    public static final Rusage UNKNOWN = new Rusage(-1, -1, -1, -1, -1, -1);

    private static final VarHandle US = LinuxCalls.field("utime_sec");
    private static final VarHandle UU = LinuxCalls.field("utime_usec");
    private static final VarHandle SS = LinuxCalls.field("stime_sec");
    private static final VarHandle SU = LinuxCalls.field("stime_usec");
    private static final VarHandle NV = LinuxCalls.field("nvcsw");
    private static final VarHandle NI = LinuxCalls.field("nivcsw");
    private static final VarHandle MIN = LinuxCalls.field("minflt");
    private static final VarHandle MAJ = LinuxCalls.field("majflt");

    /** The whole process. */
    public static Rusage process() {
        return take(LinuxCalls.RUSAGE_SELF);
    }

    /** The calling thread only. */
    public static Rusage thread() {
        return take(LinuxCalls.RUSAGE_THREAD);
    }

    private static Rusage take(int who) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(LinuxCalls.RUSAGE);
            if (!LinuxCalls.getrusage(who, s)) {
                return UNKNOWN;
            }
            return new Rusage((long) US.get(s, 0L) * 1_000_000_000L + (long) UU.get(s, 0L) * 1000,
                    (long) SS.get(s, 0L) * 1_000_000_000L + (long) SU.get(s, 0L) * 1000,
                    (long) NV.get(s, 0L), (long) NI.get(s, 0L), (long) MIN.get(s, 0L), (long) MAJ.get(s, 0L));
        }
    }

    public boolean known() {
        return userNanos >= 0;
    }

    /** fio's ctx: all context switches. */
    public long contextSwitches() {
        return voluntary + involuntary;
    }

    /** What happened between {@code earlier} and this snapshot. */
    public Rusage since(Rusage earlier) {
        if (!known() || !earlier.known()) {
            return UNKNOWN;
        }
        return new Rusage(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos, voluntary - earlier.voluntary,
                involuntary - earlier.involuntary, minorFaults - earlier.minorFaults, majorFaults - earlier.majorFaults);
    }

    /** Adds two deltas (of different threads). */
    public Rusage plus(Rusage o) {
        if (!known() || !o.known()) {
            return UNKNOWN;
        }
        return new Rusage(userNanos + o.userNanos, systemNanos + o.systemNanos, voluntary + o.voluntary,
                involuntary + o.involuntary, minorFaults + o.minorFaults, majorFaults + o.majorFaults);
    }
}

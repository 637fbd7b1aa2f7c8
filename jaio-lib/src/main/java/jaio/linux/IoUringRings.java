package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One submitting thread at a time and one reaping thread at a time (the engine's locks
 * serialise each side; this class has no lock of its own), sharing the three mapped areas of
 * one io_uring instance with the kernel: the SQ ring (head, tail, flags, index array), the
 * SQE array, and the CQ ring (head, tail, CQEs). With IORING_FEAT_SINGLE_MMAP the two rings
 * share one mapping.
 *
 * <p>Who writes what: user space writes SQEs and the SQ tail, and the CQ head; the kernel
 * writes the SQ head, the flags, the CQEs and the CQ tail. Each shared index is read or
 * written with the ordering its comment states. The segments belong to the arena given to
 * {@link #map}, so once that arena is closed a stray access throws instead of touching
 * unmapped memory.
 */
public final class IoUringRings {
    private static final VarHandle INT = JAVA_INT.varHandle();

    public final int sqEntries;
    public final int cqEntries;
    private final int sqMask;
    private final int cqMask;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    /** The SQE array; SQE {@code i} starts at {@code i * IoUringSqe.SIZE}. */
    public final MemorySegment sqes;
    private final MemorySegment cqes;
    private final long sqHead;
    private final long sqTail;
    private final long sqFlags;
    private final long cqHead;
    private final long cqTail;
    private final long cqOverflow;
    private final long sqRingAddr;
    private final long sqRingSize;
    private final long cqRingAddr;
    private final long cqRingSize;
    private final long sqesAddr;
    private final long sqesSize;
    private final long cqesOff;
    /** Our copy of the SQ tail: only the submission side writes it. */
    private int localSqTail;
    /**
     * The SQ head as last read (the submission side's): the kernel only moves the head on, so
     * the free slots this gives are never more than there are.
     */
    private int seenSqHead;
    /** Our copy of the CQ head: only the completion side writes it. */
    private int localCqHead;

    private IoUringRings(MemorySegment p, long sqAddr, long sqSize, long cqAddr, long cqSize, long sqesAddr,
                         long sqesSize, Arena owner) {
        this.sqEntries = IoUringParams.get(p, IoUringParams.SQ_ENTRIES);
        this.cqEntries = IoUringParams.get(p, IoUringParams.CQ_ENTRIES);
        this.sqRingAddr = sqAddr;
        this.sqRingSize = sqSize;
        this.cqRingAddr = cqAddr;
        this.cqRingSize = cqSize;
        this.sqesAddr = sqesAddr;
        this.sqesSize = sqesSize;
        this.sqRing = view(sqAddr, sqSize, owner);
        this.cqRing = cqAddr == sqAddr ? sqRing : view(cqAddr, cqSize, owner);
        this.sqes = view(sqesAddr, sqesSize, owner);
        this.sqHead = IoUringParams.get(p, IoUringParams.SQ_OFF_HEAD);
        this.sqTail = IoUringParams.get(p, IoUringParams.SQ_OFF_TAIL);
        this.sqFlags = IoUringParams.get(p, IoUringParams.SQ_OFF_FLAGS);
        this.cqHead = IoUringParams.get(p, IoUringParams.CQ_OFF_HEAD);
        this.cqTail = IoUringParams.get(p, IoUringParams.CQ_OFF_TAIL);
        this.cqOverflow = IoUringParams.get(p, IoUringParams.CQ_OFF_OVERFLOW);
        this.sqMask = sqRing.get(JAVA_INT, IoUringParams.get(p, IoUringParams.SQ_OFF_RING_MASK));
        this.cqMask = cqRing.get(JAVA_INT, IoUringParams.get(p, IoUringParams.CQ_OFF_RING_MASK));
        this.cqesOff = Integer.toUnsignedLong(IoUringParams.get(p, IoUringParams.CQ_OFF_CQES));
        this.cqes = cqRing.asSlice(cqesOff, (long) cqEntries * IoUringCqe.SIZE);
        this.localSqTail = sqRing.get(JAVA_INT, sqTail);
        this.seenSqHead = sqRing.get(JAVA_INT, sqHead);
        this.localCqHead = cqRing.get(JAVA_INT, cqHead);
        int flags = IoUringParams.get(p, IoUringParams.FLAGS);
        if ((flags & IoUring.IORING_SETUP_NO_SQARRAY) == 0) {
            // The index array maps ring positions to SQEs; the identity map lets the SQE at
            // position (tail & mask) be used directly, as if there were no array.
            long array = Integer.toUnsignedLong(IoUringParams.get(p, IoUringParams.SQ_OFF_ARRAY));
            for (int i = 0; i < sqEntries; i++) {
                sqRing.set(JAVA_INT, array + 4L * i, i);
            }
        }
    }

    /** The same mappings seen through {@code owner}'s segments; the indices as the memory holds them. */
    private IoUringRings(IoUringRings o, Arena owner) {
        this.sqEntries = o.sqEntries;
        this.cqEntries = o.cqEntries;
        this.sqMask = o.sqMask;
        this.cqMask = o.cqMask;
        this.sqRingAddr = o.sqRingAddr;
        this.sqRingSize = o.sqRingSize;
        this.cqRingAddr = o.cqRingAddr;
        this.cqRingSize = o.cqRingSize;
        this.sqesAddr = o.sqesAddr;
        this.sqesSize = o.sqesSize;
        this.sqRing = view(sqRingAddr, sqRingSize, owner);
        this.cqRing = cqRingAddr == sqRingAddr ? sqRing : view(cqRingAddr, cqRingSize, owner);
        this.sqes = view(sqesAddr, sqesSize, owner);
        this.sqHead = o.sqHead;
        this.sqTail = o.sqTail;
        this.sqFlags = o.sqFlags;
        this.cqHead = o.cqHead;
        this.cqTail = o.cqTail;
        this.cqOverflow = o.cqOverflow;
        this.cqesOff = o.cqesOff;
        this.cqes = cqRing.asSlice(cqesOff, (long) cqEntries * IoUringCqe.SIZE);
        // The SQ index array, when there is one, still holds the identity map.
        this.localSqTail = sqRing.get(JAVA_INT, sqTail);
        this.seenSqHead = sqRing.get(JAVA_INT, sqHead);
        this.localCqHead = cqRing.get(JAVA_INT, cqHead);
    }

    /**
     * The same rings, still mapped, for a new owner (an instance kept open for reuse after
     * its previous owner's arena closed): fresh segments belonging to {@code owner}, and the
     * local copies of the SQ tail and CQ head read again from the shared memory. The caller
     * makes sure the previous user is done with the instance (nothing in flight, CQ empty).
     */
    public IoUringRings reattach(Arena owner) {
        return new IoUringRings(this, owner);
    }

    @SuppressWarnings("restricted") // the size is what io_uring_setup reported for this mapping
    private static MemorySegment view(long addr, long size, Arena owner) {
        return MemorySegment.ofAddress(addr).reinterpret(size, owner, null);
    }

    /**
     * Maps the rings of the io_uring instance {@code fd} that {@code params} describes (as
     * io_uring_setup filled it in).
     *
     * @return the rings, or null with the failing mmap's -errno in {@code err[0]}
     */
    public static IoUringRings map(int fd, MemorySegment params, Arena owner, int[] err) {
        int features = IoUringParams.get(params, IoUringParams.FEATURES);
        int flags = IoUringParams.get(params, IoUringParams.FLAGS);
        long sqEntries = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.SQ_ENTRIES));
        long cqEntries = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.CQ_ENTRIES));
        long sqSize = (flags & IoUring.IORING_SETUP_NO_SQARRAY) != 0 ? 0
                : Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.SQ_OFF_ARRAY)) + 4 * sqEntries;
        long cqSize = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.CQ_OFF_CQES))
                + cqEntries * IoUringCqe.SIZE;
        boolean single = (features & IoUring.IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = Math.max(sqSize, cqSize);
            cqSize = sqSize;
        }
        int prot = LibC.PROT_READ | LibC.PROT_WRITE;
        int mflags = LibC.MAP_SHARED | LibC.MAP_POPULATE;
        long sq = LibC.mmap(0, sqSize, prot, mflags, fd, IoUring.IORING_OFF_SQ_RING);
        if (sq < 0) {
            err[0] = (int) sq;
            return null;
        }
        long cq = sq;
        if (!single) {
            cq = LibC.mmap(0, cqSize, prot, mflags, fd, IoUring.IORING_OFF_CQ_RING);
            if (cq < 0) {
                LibC.munmap(sq, sqSize);
                err[0] = (int) cq;
                return null;
            }
        }
        long sqesSize = sqEntries * IoUringSqe.SIZE;
        long sqes = LibC.mmap(0, sqesSize, prot, mflags, fd, IoUring.IORING_OFF_SQES);
        if (sqes < 0) {
            if (!single) {
                LibC.munmap(cq, cqSize);
            }
            LibC.munmap(sq, sqSize);
            err[0] = (int) sqes;
            return null;
        }
        return new IoUringRings(params, sq, sqSize, cq, cqSize, sqes, sqesSize, owner);
    }

    /**
     * Unmaps everything (the mappings, which this object and every {@link #reattach}ed copy
     * share). Call once, after the owner arena is closed (so nothing can touch it).
     */
    public void unmap() {
        LibC.munmap(sqesAddr, sqesSize);
        if (cqRingAddr != sqRingAddr) {
            LibC.munmap(cqRingAddr, cqRingSize);
        }
        LibC.munmap(sqRingAddr, sqRingSize);
    }

    // ------------------------------------------------------------------ submission side

    /**
     * SQEs written and published but not yet consumed by the kernel. Acquire on the head:
     * pairs with the kernel's release of the SQ head once it has copied the SQEs, so their
     * slots may be rewritten.
     */
    public int sqPending() {
        int h = (int) INT.getAcquire(sqRing, sqHead);
        seenSqHead = h;
        return localSqTail - h;
    }

    /**
     * Whether {@code n} SQE slots are free; the kernel's head is read only when the one last
     * seen (by this or {@link #sqPending}) leaves too few.
     */
    public boolean sqHasSpace(int n) {
        if (sqEntries - (localSqTail - seenSqHead) >= n) {
            return true;
        }
        return sqEntries - sqPending() >= n;
    }

    /** Byte offset in {@link #sqes} of the next SQE to write; call {@link #advanceSq} after writing it. */
    public long nextSqe() {
        return (long) (localSqTail & sqMask) * IoUringSqe.SIZE;
    }

    /** Counts the SQE written at {@link #nextSqe()} (not yet visible to the kernel). */
    public void advanceSq() {
        localSqTail++;
    }

    /**
     * Publishes the SQEs written so far to the kernel before io_uring_enter. Release: the
     * SQE writes happen before the kernel can see the new tail (it reads it with acquire).
     */
    public void publishSq() {
        INT.setRelease(sqRing, sqTail, localSqTail);
    }

    /**
     * Publishes the SQEs written so far to an SQPOLL kernel thread, and says whether that
     * thread is asleep and needs io_uring_enter with IORING_ENTER_SQ_WAKEUP to see them.
     *
     * <p>The release store of the tail publishes the SQEs to the kernel thread, as in
     * {@link #publishSq}. The full fence between that store and the load of
     * IORING_SQ_NEED_WAKEUP orders the two (a release store followed by a load may otherwise
     * be reordered: the load can be satisfied while the store still sits in this CPU's store
     * buffer). It pairs with the kernel thread's barrier between setting NEED_WAKEUP and
     * reading the tail once more before it sleeps (smp_mb__after_atomic in io_sq_thread),
     * so either the thread sees the new tail and stays up, or this load sees the flag and the
     * caller wakes it. liburing has the same barrier (sq_ring_needs_enter).
     */
    public boolean publishSqNeedsWakeup() {
        INT.setRelease(sqRing, sqTail, localSqTail);
        VarHandle.fullFence();
        return ((int) INT.getVolatile(sqRing, sqFlags) & IoUring.IORING_SQ_NEED_WAKEUP) != 0;
    }

    /**
     * The SQ ring's flags (IORING_SQ_CQ_OVERFLOW, IORING_SQ_NEED_WAKEUP). Volatile: a fresh
     * value each time, ordered after this thread's earlier loads but not after its earlier
     * stores, so not after a tail just published: {@link #publishSqNeedsWakeup} is the way to
     * ask for NEED_WAKEUP after publishing.
     */
    public int sqFlags() {
        return (int) INT.getVolatile(sqRing, sqFlags);
    }

    // ------------------------------------------------------------------ completion side

    /**
     * CQEs available to take. Acquire on the tail: pairs with the kernel's release store of
     * the CQ tail, so the CQEs below it are complete when read.
     */
    public int cqReady() {
        return (int) INT.getAcquire(cqRing, cqTail) - localCqHead;
    }

    /** Byte offset in the CQE array of the {@code i}-th available CQE (0 is the oldest). */
    public long cqe(int i) {
        return (long) ((localCqHead + i) & cqMask) * IoUringCqe.SIZE;
    }

    public long cqeUserData(long cqe) {
        return IoUringCqe.userData(cqes, cqe);
    }

    public int cqeRes(long cqe) {
        return IoUringCqe.res(cqes, cqe);
    }

    public int cqeFlags(long cqe) {
        return IoUringCqe.flags(cqes, cqe);
    }

    /**
     * Gives {@code n} CQEs back to the kernel. Release: our reads of those CQEs complete
     * before the kernel can see their slots free and overwrite them.
     */
    public void consumeCq(int n) {
        localCqHead += n;
        INT.setRelease(cqRing, cqHead, localCqHead);
    }

    /** Completions the kernel had to drop (only without IORING_FEAT_NODROP). */
    public int cqOverflow() {
        return (int) INT.getVolatile(cqRing, cqOverflow);
    }
}

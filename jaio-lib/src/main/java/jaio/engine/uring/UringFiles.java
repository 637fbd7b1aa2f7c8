package jaio.engine.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;
import java.util.Map;
import jaio.Errno;
import jaio.linux.IoUring;
import jaio.linux.IoUringFilesUpdate;
import jaio.spi.FileHandle;

/**
 * Not thread safe: the engine's submit lock guards it. Registered files (J4): a sparse table
 * registered with the ring when the engine opens; each file takes a slot
 * (IORING_REGISTER_FILES_UPDATE) the first time a request uses it, and its requests then carry
 * the slot with IOSQE_FIXED_FILE, so the kernel skips the descriptor lookup. A slot whose file
 * was closed is given to the next new file that finds the table full; the kernel keeps its own
 * reference to a registered file, so this is safe even while requests of the old file are still
 * in flight. Files that find no slot use their descriptor.
 */
final class UringFiles {
    private final int ringFd;
    private final FileHandle[] bySlot;
    private final Map<FileHandle, Integer> slots = new IdentityHashMap<>();
    private final MemorySegment update;
    private final MemorySegment one;
    private int next;
    /** Why registration is off, or null when it works. */
    final String refused;

    private UringFiles(int ringFd, int size, Arena arena, String refused) {
        this.ringFd = ringFd;
        this.bySlot = new FileHandle[size];
        this.update = arena.allocate(IoUringFilesUpdate.LAYOUT);
        this.one = arena.allocate(ValueLayout.JAVA_INT);
        this.refused = refused;
    }

    /** A table of {@code size} empty slots registered with ring {@code fd}; on refusal nothing is registered. */
    static UringFiles open(int fd, int size, Arena arena) {
        MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, size);
        for (int i = 0; i < size; i++) {
            fds.setAtIndex(ValueLayout.JAVA_INT, i, -1);
        }
        int r = IoUring.register(fd, IoUring.IORING_REGISTER_FILES, fds.address(), size);
        if (r < 0) {
            return new UringFiles(fd, 0, arena, "IORING_REGISTER_FILES: " + Errno.describe(r));
        }
        return new UringFiles(fd, size, arena, null);
    }

    int size() {
        return bySlot.length;
    }

    /** Files registered now. */
    int registered() {
        return slots.size();
    }

    /** The slot of {@code f}, registering it on first use; -1 when it gets none (use its descriptor). */
    int slot(FileHandle f) {
        Integer s = slots.get(f);
        if (s != null) {
            return s;
        }
        if (bySlot.length == 0) {
            return -1;
        }
        int free = freeSlot();
        if (free < 0 || set(free, f.fd()) < 0) {
            return -1;
        }
        bySlot[free] = f;
        slots.put(f, free);
        return free;
    }

    /** An empty slot, or one whose file was closed (emptied first); -1 when all hold open files. */
    private int freeSlot() {
        for (int k = 0; k < bySlot.length; k++) {
            int i = (next + k) % bySlot.length;
            FileHandle h = bySlot[i];
            if (h == null) {
                next = i + 1;
                return i;
            }
            if (!h.isOpen()) {
                slots.remove(h);
                bySlot[i] = null;
                set(i, -1);
                next = i + 1;
                return i;
            }
        }
        return -1;
    }

    private int set(int slot, int fd) {
        one.set(ValueLayout.JAVA_INT, 0, fd);
        IoUringFilesUpdate.set(update, slot, one.address());
        int r = IoUring.register(ringFd, IoUring.IORING_REGISTER_FILES_UPDATE, update.address(), 1);
        return r < 0 ? r : 0;
    }
}

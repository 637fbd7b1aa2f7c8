package jaio;

import java.util.Locale;
import java.util.Objects;

/**
 * How an engine carries one {@link Capability}: who does the work, and a short note naming
 * the mechanism ("kernel (IORING_OP_READ)", "worker (FileChannel positional read)").
 *
 * @param kind who does the work
 * @param note the mechanism, or what is missing; empty when there is nothing to add
 */
public record Support(Kind kind, String note) {

    /** Who does the work of a capability. */
    public enum Kind {
        /** The kernel does it, asynchronously: no thread of the process waits for it. */
        KERNEL,
        /** The kernel tries without blocking; what would block goes to an engine thread. */
        KERNEL_THEN_WORKER,
        /** A thread of the engine does it, blocking where it must. */
        WORKER,
        /** jaio's own engine-independent code does it, the same for every engine. */
        LIBRARY,
        /** Not there at all. */
        NONE;

        /** The kind as written in reports: "kernel then worker". */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public Support {
        Objects.requireNonNull(kind, "kind");
        note = note == null ? "" : note;
    }

    /** Whether the capability is there at all (any kind but {@link Kind#NONE}). */
    public boolean supported() {
        return kind != Kind.NONE;
    }

    /** The kind and the note, as in reports: "kernel (IORING_OP_READ)", or "library". */
    @Override
    public String toString() {
        return note.isEmpty() ? kind.label() : kind.label() + " (" + note + ")";
    }
}

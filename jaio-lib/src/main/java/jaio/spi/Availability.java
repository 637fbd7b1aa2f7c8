package jaio.spi;

/**
 * Whether an engine can run on this machine, and if not, why ("io_uring_setup: EPERM
 * (operation not permitted): blocked by a seccomp filter?").
 */
public record Availability(boolean available, String reason) {
    public static Availability yes(String note) {
        return new Availability(true, note);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}

package jaio.bench.run;

/** A job cannot run as asked (a region it cannot have, O_DIRECT alignment); the message says why. Exit code 2. */
public final class JobRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public JobRefused(String message) {
        super(message, null, false, false);
    }
}

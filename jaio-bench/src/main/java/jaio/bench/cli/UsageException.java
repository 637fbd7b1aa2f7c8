package jaio.bench.cli;

/**
 * A command line the tool cannot run: its message is the one line shown to the user, naming
 * the option and what it allows ("--rw: 'foo' is not one of read, write, ..."). Exit code 2.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}

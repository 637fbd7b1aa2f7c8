package jaio.bench.run;

/** The engine asked for cannot run on this machine; the message says which and why. Exit code 2. */
public final class EngineUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message) {
        super(message, null, false, false);
    }
}

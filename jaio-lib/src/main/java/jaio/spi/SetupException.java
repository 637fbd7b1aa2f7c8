package jaio.spi;

import java.io.IOException;

/**
 * Immutable. An engine's setup refused by the kernel, with the errno, so that the context
 * can tell a shortage the user must hear about (descriptors) from an engine this machine
 * does not allow.
 */
public final class SetupException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public SetupException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno the kernel gave. */
    public int errno() {
        return errno;
    }
}

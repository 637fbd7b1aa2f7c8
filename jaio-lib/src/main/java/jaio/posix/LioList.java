package jaio.posix;

/**
 * One lio_listio call whose end somebody waits for (LIO_WAIT) or wants announced (LIO_NOWAIT
 * with a sigevent): how many of its blocks have not settled yet, and whether any failed.
 * Guarded by the facade's BlockTable lock.
 */
final class LioList {
    /** The list's own sigevent (LIO_NOWAIT), or null. */
    final Sigevent sig;
    /** The caller's list array, the attachment of a SIGEV_KEVENT list event. */
    final Aiocb[] list;
    int remaining;
    boolean anyFailed;
    /** Whether its end was announced (or, for LIO_WAIT, reached): at most once. */
    boolean ended;

    LioList(Sigevent sig, Aiocb[] list) {
        this.sig = sig;
        this.list = list;
    }
}

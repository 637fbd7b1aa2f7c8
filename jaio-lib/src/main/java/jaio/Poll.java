package jaio;

/** poll(2) event bits for {@link Request#poll(IoFile, int)} and its result. */
public final class Poll {
    /** Data to read. */
    public static final int IN = 0x1;
    /** Urgent data to read. */
    public static final int PRI = 0x2;
    /** Writing will not block. */
    public static final int OUT = 0x4;
    /** Error condition (always reported). */
    public static final int ERR = 0x8;
    /** Hang up (always reported). */
    public static final int HUP = 0x10;
    /** Peer closed its writing half. */
    public static final int RDHUP = 0x2000;

    private Poll() {}
}

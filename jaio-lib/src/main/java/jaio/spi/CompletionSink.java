package jaio.spi;

/**
 * Any engine thread may call it at once, with no engine lock held that a thread calling into
 * the engine could be waiting for: it takes the context's queue lock. Where an engine reports
 * that an op is finished, exactly once per op; the op's {@link Op#result} and
 * {@link Op#result2} are set before the call (by {@link Retry} for transfers), and the call
 * publishes them, with the rest of the op, to the thread that reaps its event.
 *
 * <p>The batch form takes the context's lock once for the whole batch, which matters on the
 * harvest path.
 */
public interface CompletionSink {
    void complete(Op op);

    void completeBatch(Op[] ops, int count);
}

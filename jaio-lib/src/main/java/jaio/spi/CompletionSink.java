package jaio.spi;


/**
 * Where an engine reports that an op is finished, once per op. The op's {@link Op#result}
 * and {@link Op#result2} are set before the call (by {@link jaio.spi.Retry} for transfers).
 *
 * <p>Thread safe. The batch form takes the context's lock once for the whole batch, which
 * matters on the harvest path.
 */
public interface CompletionSink {
    void complete(Op op);

    void completeBatch(Op[] ops, int count);
}

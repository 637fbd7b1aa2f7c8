package jaio.core;

/**
 * Copies a finished op's outcome into one of the caller's event objects. The public layer
 * gives each context one; the completion queue calls it under its lock while it hands events
 * out, so it must be short and must not call back into the context.
 *
 * @param <E> the public event type
 */
@FunctionalInterface
public interface EventWriter<E> {
    void write(E event, CoreOp op);
}

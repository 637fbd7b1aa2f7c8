package jaio.engine.kaio;

import jaio.engine.OpBatch;

/**
 * Not thread safe: the native AIO engine's batch of finished ops, one per reaper or per
 * submitting thread. It is the shared {@link OpBatch} (ops plus how many jaio signals on the
 * notify eventfd itself, because no kernel RESFD did), under the name the punt pool's
 * {@code cancelQueued} takes.
 */
final class Completions extends OpBatch {
    Completions(int size) {
        super(size);
    }
}

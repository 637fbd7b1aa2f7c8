package jaio.engine.threads;

import jaio.spi.Op;

/** Stateless: NOOP, completed on the submitting thread (a hand-off to a worker would be its whole cost). */
final class NoopDriver implements OpDriver {
    @Override
    public boolean inline() {
        return true;
    }

    @Override
    public long iterate(Op op) {
        return 0;
    }
}

package jaio.engine.threads;

import jaio.engine.Worker;
import java.util.List;
import jaio.spi.Execution;
import jaio.spi.Op;

/** Any thread: POLL (O4), waited for on the engine's poller thread; the result is the ready mask. */
final class PollDriver implements OpDriver {
    private final Poller poller;

    PollDriver(Poller poller) {
        this.poller = poller;
    }

    @Override
    public boolean inline() {
        return true;
    }

    @Override
    public long iterate(Op op) {
        poller.await(op, op.pollEvents);
        return Worker.HANDED_OFF;
    }

    @Override
    public Execution execution() {
        return Execution.POLLER;
    }

    @Override
    public List<String> features() {
        return List.of("POLL: ppoll on the engine's one poller thread");
    }
}

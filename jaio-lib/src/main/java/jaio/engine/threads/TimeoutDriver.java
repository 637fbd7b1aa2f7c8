package jaio.engine.threads;

import jaio.engine.Worker;
import java.util.List;
import jaio.spi.Execution;
import jaio.spi.Op;

/**
 * Any thread: TIMEOUT (O7) on the poller thread's timer (its ppoll timeout), or met earlier by
 * a count of the engine's completions, counted as the kernel engines count theirs.
 */
final class TimeoutDriver implements OpDriver {
    private final Poller poller;

    TimeoutDriver(Poller poller) {
        this.poller = poller;
    }

    @Override
    public boolean inline() {
        return true;
    }

    @Override
    public long iterate(Op op) {
        poller.time(op);
        return Worker.HANDED_OFF;
    }

    @Override
    public Execution execution() {
        return Execution.POLLER;
    }

    @Override
    public List<String> features() {
        return List.of("TIMEOUT: the poller thread's timer; a completion count is met by the engine's completions");
    }
}

package jaio.engine.threads;

import jaio.engine.Worker;
import java.util.List;
import java.util.Set;
import jaio.RequestFlag;
import jaio.engine.SocketCalls;
import jaio.spi.Execution;
import jaio.spi.Op;
import jaio.spi.Retry;

/**
 * Any thread: the socket requests (ACCEPT, CONNECT, RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN,
 * CLOSE) and transfers on pipes, eventfds and other streams, as non-blocking system calls
 * ({@link SocketCalls}). The first is tried on the submitting thread; what is not ready waits
 * on the engine's one {@link Poller} thread, which runs the call again when the descriptor is
 * ready. So no thread blocks on a socket, and a thousand idle connections cost nothing but
 * their entries in one ppoll(2).
 */
final class StreamDriver implements OpDriver {
    private final Poller poller;
    /** Whether its opcodes never wait (SHUTDOWN, CLOSE): then the report says inline. */
    private final boolean neverWaits;

    StreamDriver(Poller poller, boolean neverWaits) {
        this.poller = poller;
        this.neverWaits = neverWaits;
    }

    @Override
    public boolean inline() {
        return true;
    }

    @Override
    public long iterate(Op op) {
        long res = SocketCalls.attempt(op);
        if (res == SocketCalls.WAIT) {
            poller.await(op, SocketCalls.events(op));
            return Worker.HANDED_OFF;
        }
        return res;
    }

    /** Non-blocking calls on any thread: what is not ready goes to the poller. */
    @Override
    public boolean runsOnWaiter(Op op) {
        return true;
    }

    /**
     * On the poller thread, once the op's descriptor is ready: iterations until the op is
     * finished (it goes to {@code sink}) or must wait again.
     */
    void resume(Op op, Poller.Sink sink) {
        while (true) {
            long res = SocketCalls.attempt(op);
            if (res == SocketCalls.WAIT) {
                poller.await(op, SocketCalls.events(op));
                return;
            }
            if (Retry.afterIteration(op, res) == Retry.DONE) {
                op.engineState = 0;
                sink.post(op);
                return;
            }
        }
    }

    @Override
    public Execution execution() {
        return neverWaits ? Execution.INLINE : Execution.POLLER;
    }

    @Override
    public Set<RequestFlag> flags() {
        return Set.of(RequestFlag.PARTIAL, RequestFlag.MORE);
    }

    @Override
    public List<String> features() {
        return neverWaits ? List.of("SHUTDOWN, CLOSE: shutdown(2), close(2) on the submitting thread") : List.of("sockets, and transfers on pipes and eventfds: non-blocking calls (MSG_DONTWAIT, RWF_NOWAIT);"
                + " what is not ready waits on one poller thread (ppoll over every waiting descriptor)");
    }
}

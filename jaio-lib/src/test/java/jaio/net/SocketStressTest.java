package jaio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jaio.ContextStats;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import jaio.testkit.TestFiles;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sockets and a file in one context under random cancels and closes, on every engine: one
 * thread submits receives, sends, polls, accepts and connects, file reads and writes, and
 * reaps; another cancels random requests in flight and closes random sockets. Every accepted
 * request has exactly one event (none lost, none twice), the context's counts balance, and
 * once everything is closed the process has as many descriptors open as before.
 */
@Tag("stress")
class SocketStressTest {
    private static final int OPS = 20_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void randomCancelsAndClosesLoseAndDuplicateNothingAndLeakNoDescriptor(Engine engine) throws Exception {
        Path fp = TestFiles.patterned(dir, "f.dat", 1 << 20);
        long fdsBefore = TestProcess.openFds();
        Map<Long, Request> inFlight = new ConcurrentHashMap<>();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<IoSocket> live = java.util.Collections.synchronizedList(new ArrayList<>());
        List<IoSocket> every = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong ids = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> chaosFailure = java.util.Collections.synchronizedList(new ArrayList<>());
        long cancelledEvents = 0;
        long accepted = 0;
        try (IoContext ctx = Sockets.context(engine, 512);
             IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir);
             IoFile f = IoFile.open(fp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SplittableRandom rnd = new SplittableRandom(engine.ordinal() * 31L + 7);
            Thread chaos = Thread.ofPlatform().name("chaos").start(() -> {
                SplittableRandom r = new SplittableRandom(99);
                try {
                    while (!stop.get()) {
                        Thread.sleep(0, 200_000);
                        Object[] rs = inFlight.values().toArray();
                        if (rs.length > 0 && r.nextInt(3) > 0) {
                            Request q = (Request) rs[r.nextInt(rs.length)];
                            try {
                                ctx.cancel(q);
                            } catch (IllegalArgumentException e) {
                                // Reaped and reused meanwhile: not in flight on ctx any more.
                            }
                        } else if (!live.isEmpty() && r.nextInt(8) == 0) {
                            IoSocket s;
                            synchronized (live) {
                                s = live.isEmpty() ? null : live.remove(r.nextInt(live.size()));
                            }
                            if (s != null) {
                                s.close();
                            }
                        }
                    }
                } catch (Throwable t) {
                    chaosFailure.add(t);
                }
            });
            Event[] ev = TestFiles.events(64);
            int submitted = 0;
            while (submitted < OPS || !inFlight.isEmpty()) {
                if (submitted < OPS) {
                    Request[] rs = next(rnd, l, f, live, every);
                    for (Request r : rs) {
                        long id = ids.getAndIncrement();
                        r.userData(id);
                        inFlight.put(id, r);
                        try {
                            if (ctx.submit(r) == 1) {
                                accepted++;
                            } else {
                                inFlight.remove(id);
                            }
                        } catch (InvalidRequestException e) {
                            // A socket the chaos thread closed: refused at submission.
                            assertEquals(Errno.EBADF, e.errno(), e.getMessage());
                            inFlight.remove(id);
                        }
                        submitted++;
                    }
                } else if (stop.compareAndSet(false, true)) {
                    chaos.join();
                    // Closing the listener cancels the ACCEPTs whose CONNECT was cancelled.
                    l.close();
                    synchronized (live) {
                        for (IoSocket s : live) {
                            s.close();
                        }
                        live.clear();
                    }
                }
                int n = ctx.getEvents(submitted < OPS ? 0 : 1, ev.length, ev, 30, TimeUnit.SECONDS);
                assertTrue(n > 0 || submitted < OPS, "events within 30 s; in flight: " + inFlight.values());
                for (int i = 0; i < n; i++) {
                    Event e = ev[i];
                    assertTrue(seen.add(e.userData()), "a second event for " + e);
                    assertTrue(inFlight.remove(e.userData()) != null, "an event nobody waits for: " + e);
                    if (e.result() == -Errno.ECANCELED) {
                        cancelledEvents++;
                    }
                    checkResult(e);
                    if (e.opcode() == Opcode.ACCEPT && e.result() >= 0) {
                        IoSocket s = e.acceptedSocket();
                        every.add(s);
                        live.add(s);
                    }
                }
            }
            assertTrue(chaosFailure.isEmpty(), () -> "chaos thread: " + chaosFailure);
            synchronized (every) {
                for (IoSocket s : every) {
                    s.close();
                }
            }
            ContextStats st = ctx.stats();
            assertEquals(accepted, st.submitted(), st.toString());
            assertEquals(accepted, st.completed(), st.toString());
            assertEquals(accepted, st.reaped(), st.toString());
            assertEquals(cancelledEvents, st.canceled(), st.toString());
            assertEquals(0, ctx.getEvents(0, ev, Duration.ofMillis(50)), "nothing more");
        }
        long fdsAfter = TestProcess.openFds();
        assertEquals(fdsBefore, fdsAfter, "descriptors open before and after (" + accepted + " requests)");
    }

    /** What a result may be for each opcode under random cancels and closes. */
    private static void checkResult(Event e) {
        long r = e.result();
        if (r >= 0 || r == -Errno.ECANCELED) {
            return;
        }
        boolean ok = switch (e.opcode()) {
            case SEND, SENDMSG, RECV, RECVMSG -> r == -Errno.ECONNRESET || r == -Errno.EPIPE || r == -Errno.ENOTCONN;
            case CONNECT -> r == -Errno.ECONNREFUSED || r == -Errno.ECONNRESET;
            case ACCEPT -> r == -Errno.ECONNABORTED;
            default -> false;
        };
        assertTrue(ok, "unexpected result " + e);
    }

    /** One random step: the requests to submit. */
    private static Request[] next(SplittableRandom rnd, IoSocket l, IoFile f, List<IoSocket> live,
                                  List<IoSocket> every) throws Exception {
        int k = rnd.nextInt(100);
        IoSocket s = null;
        synchronized (live) {
            if (!live.isEmpty()) {
                s = live.get(rnd.nextInt(live.size()));
            }
        }
        if (s == null || k < 8 || (k < 12 && live.size() < 24)) {
            IoSocket c = IoSocket.open(l.family());
            every.add(c);
            live.add(c);
            return new Request[] {Request.accept(l), Request.connect(c, l.localAddress())};
        }
        if (k < 35) {
            return new Request[] {Request.recv(s, ByteBuffer.allocateDirect(1 + rnd.nextInt(8192)))};
        }
        if (k < 55) {
            ByteBuffer b = rnd.nextBoolean() ? ByteBuffer.allocate(1 + rnd.nextInt(65536))
                    : ByteBuffer.allocateDirect(1 + rnd.nextInt(4096));
            return new Request[] {Request.send(s, b)};
        }
        if (k < 65) {
            return new Request[] {Request.poll(s, Poll.IN)};
        }
        if (k < 72) {
            return new Request[] {Request.recvmsg(s, new ByteBuffer[] {ByteBuffer.allocate(10), ByteBuffer.allocateDirect(100)})};
        }
        long off = 4096L * rnd.nextInt(256);
        return new Request[] {rnd.nextBoolean() ? Request.pread(f, IoBuffers.allocate(4096), off)
                : Request.pwrite(f, IoBuffers.allocate(4096), off)};
    }
}

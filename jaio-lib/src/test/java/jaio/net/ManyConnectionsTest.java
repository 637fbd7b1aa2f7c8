package jaio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jaio.Engine;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Request;
import jaio.testkit.TestFiles;
import jaio.testkit.TestProcess;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One context, one reaping thread, 1,000 connections at once on every engine: 1,000 ACCEPTs
 * and CONNECTs in flight together, then 1,000 RECVs waiting together on the server side
 * while each client sends its number, each server echoes it, and each client checks its echo.
 * On the thread pool the waiting is done by its one poller thread, never a thread per socket.
 */
class ManyConnectionsTest {
    private static final int N = 1000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThousandConnectionsOnOneContext(Engine engine) throws Exception {
        List<IoSocket> all = new ArrayList<>();
        try (IoContext ctx = Sockets.context(engine, 2 * N + 64); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] clients = new IoSocket[N];
            IoSocket[] servers = new IoSocket[N];
            Request[] batch = new Request[2 * N];
            for (int i = 0; i < N; i++) {
                clients[i] = Sockets.client(l);
                all.add(clients[i]);
                batch[2 * i] = Request.accept(l).userData(i);
                batch[2 * i + 1] = Request.connect(clients[i], l.localAddress()).userData(N + i);
            }
            assertEquals(2 * N, submitAll(ctx, batch));
            int accepted = 0;
            for (Event e : reap(ctx, 2 * N)) {
                assertTrue(e.result() >= 0, e.toString());
                if (e.opcode() == Opcode.ACCEPT) {
                    servers[accepted++] = e.acceptedSocket();
                    all.add(servers[accepted - 1]);
                }
            }
            assertEquals(N, accepted);
            int threadsBefore = TestProcess.threadNames().size();

            // Every server side waits at once; then every client sends its number.
            MemorySegment sbuf = IoBuffers.allocate(8L * N);
            for (int i = 0; i < N; i++) {
                batch[i] = Request.recv(servers[i], sbuf.asSlice(8L * i, 8)).userData(i);
            }
            assertEquals(N, submitAll(ctx, java.util.Arrays.copyOf(batch, N)));
            assertEquals(0, ctx.getEvents(0, TestFiles.events(1), Duration.ofMillis(20)), "nothing sent yet");
            assertTrue(TestProcess.threadNames().size() <= threadsBefore + 2,
                    "1,000 waiting receives hold no thread each");
            MemorySegment cbuf = IoBuffers.allocate(8L * N);
            for (int i = 0; i < N; i++) {
                cbuf.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, 1_000_000L + i);
                batch[i] = Request.send(clients[i], cbuf.asSlice(8L * i, 8)).userData(N + i);
            }
            assertEquals(N, submitAll(ctx, java.util.Arrays.copyOf(batch, N)));
            // Echo each received number back as soon as it arrives; count the sends.
            int received = 0;
            int sent = 0;
            int echoed = 0;
            List<Request> echoes = new ArrayList<>(N);
            while (received < N || sent < N) {
                for (Event e : reap(ctx, 1, "received " + received + ", sent " + sent + ", " + ctx.stats())) {
                    assertTrue(e.result() >= 0, e.toString());
                    if (e.opcode() == Opcode.RECV) {
                        int i = (int) e.userData();
                        assertEquals(8, e.result());
                        received++;
                        Request echo = Request.send(servers[i], sbuf.asSlice(8L * i, 8)).userData(2 * N + i);
                        assertEquals(1, ctx.submit(echo));
                        echoes.add(echo);
                    } else if (e.userData() >= 2 * N) {
                        assertEquals(8, e.result());
                        echoed++;
                    } else {
                        assertEquals(8, e.result());
                        sent++;
                    }
                }
            }
            MemorySegment back = IoBuffers.allocate(8L * N);
            for (int i = 0; i < N; i++) {
                batch[i] = Request.recv(clients[i], back.asSlice(8L * i, 8)).userData(3 * N + i);
            }
            assertEquals(N, submitAll(ctx, java.util.Arrays.copyOf(batch, N)));
            int back8 = 0;
            while (echoed < N || back8 < N) {
                for (Event e : reap(ctx, 1)) {
                    assertEquals(8, e.result(), e.toString());
                    if (e.userData() >= 3 * N) {
                        back8++;
                    } else {
                        echoed++;
                    }
                }
            }
            for (int i = 0; i < N; i++) {
                assertEquals(1_000_000L + i, back.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i), "echo of client " + i);
            }
            assertNotNull(echoes);
        } finally {
            for (IoSocket s : all) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static int submitAll(IoContext ctx, Request[] rs) {
        int done = 0;
        while (done < rs.length) {
            int n = ctx.submit(rs, done, rs.length - done);
            assertTrue(n > 0, "room for all of them");
            done += n;
        }
        return done;
    }

    private static List<Event> reap(IoContext ctx, int n) {
        return reap(ctx, n, "");
    }

    private static List<Event> reap(IoContext ctx, int n, String where) {
        Event[] ev = TestFiles.events(Math.max(n, 64));
        List<Event> out = new ArrayList<>();
        while (out.size() < n) {
            int got = ctx.getEvents(1, ev.length, ev, 30, TimeUnit.SECONDS);
            assertTrue(got > 0, "events within 30 s; " + out.size() + " of " + n + " " + where);
            for (int i = 0; i < got; i++) {
                Event copy = new Event();
                out.add(ev[i]);
                ev[i] = copy;
            }
        }
        return out;
    }
}

package jaio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import jaio.CancelResult;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.InvalidRequestException;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Poll;
import jaio.Request;
import jaio.RequestFlag;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a server author expects of sockets, on every engine (O5): end of stream, half-close,
 * reset, cancel of pending requests, close with requests in flight, full and partial sends of
 * more than the socket buffers hold, and the descriptor never closed under a request.
 */
class SocketSemanticsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void halfCloseGivesEndOfStreamAndTheOtherDirectionStillWorks(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                assertEquals(0, Sockets.run(ctx, Request.shutdown(c, false, true)).result());
                ByteBuffer in = ByteBuffer.allocateDirect(64);
                Event eof = Sockets.run(ctx, Request.recv(s, in));
                assertEquals(0, eof.result(), "end of stream after the peer shut its output: " + eof);
                Event sent = Sockets.run(ctx, Request.send(s, ByteBuffer.wrap(new byte[] {7, 8, 9})));
                assertEquals(3, sent.result());
                Event got = Sockets.run(ctx, Request.recv(c, in));
                assertEquals(3, got.result());
                assertEquals(9, in.get(2));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void pollWorksOnSocketsInTheSameLoop(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP6, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                Request poll = Request.poll(s, Poll.IN).userData(1);
                assertEquals(1, ctx.submit(poll));
                assertEquals(0, ctx.getEvents(0, TestFiles.events(1), Duration.ofMillis(30)), "nothing to read yet");
                assertEquals(1, ctx.submit(Request.send(c, ByteBuffer.wrap(new byte[] {1})).userData(2)));
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertTrue((ev.get(1L).result() & Poll.IN) != 0, "readable: " + ev.get(1L));
                Event w = Sockets.run(ctx, Request.poll(c, Poll.OUT));
                assertTrue((w.result() & Poll.OUT) != 0, "writable: " + w);
                assertTrue(c.remoteAddress() != null && s.localAddress() != null);
                assertEquals(l.localAddress(), c.remoteAddress(), "the client is connected to the listener's address");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void connectionErrorsHaveReadableNames(Engine engine) throws Exception {
        assertEquals("ETIMEDOUT", Errno.name(-Errno.ETIMEDOUT));
        assertEquals("ECONNREFUSED", Errno.name(-Errno.ECONNREFUSED));
        assertEquals("ECONNRESET", Errno.name(-Errno.ECONNRESET));
        try (IoContext ctx = Sockets.context(engine, 4); IoSocket c = IoSocket.open(java.net.StandardProtocolFamily.UNIX)) {
            // Nobody listens on this path: a Unix connect is refused as plainly (ENOENT for no file).
            Event e = Sockets.run(ctx, Request.connect(c, java.net.UnixDomainSocketAddress.of(dir.resolve("none").toString())));
            assertEquals("ENOENT", e.errnoName(), e.toString());
        }
        try (IoContext ctx = Sockets.context(engine, 4); IoSocket t = IoSocket.open(java.net.StandardProtocolFamily.INET)) {
            Event n = Sockets.run(ctx, Request.recv(t, ByteBuffer.allocateDirect(8)));
            assertEquals("ENOTCONN", n.errnoName(), n.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aPeerResetIsEconnreset(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                // Linger 0: close sends a reset instead of a FIN.
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.close();
                Event e = Sockets.run(ctx, Request.recv(s, ByteBuffer.allocateDirect(64)));
                assertEquals(-Errno.ECONNRESET, e.result(), e.toString());
                assertEquals("ECONNRESET", e.errnoName());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void cancelOfAPendingRecvAndAcceptGivesOneEventEach(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                Request recv = Request.recv(s, ByteBuffer.allocateDirect(64)).userData(1);
                Request acc = Request.accept(l).userData(2);
                assertEquals(2, ctx.submit(recv, acc));
                Thread.sleep(50);
                assertEquals(CancelResult.CANCELED, ctx.cancel(recv));
                assertEquals(CancelResult.CANCELED, ctx.cancel(acc));
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertEquals(-Errno.ECANCELED, ev.get(1L).result());
                assertEquals(-Errno.ECANCELED, ev.get(2L).result());
                assertEquals(0, ctx.getEvents(0, TestFiles.events(4), Duration.ofMillis(100)), "nothing more");
                // The socket still works after the cancelled receive.
                assertEquals(2, Sockets.run(ctx, Request.send(c, ByteBuffer.wrap(new byte[] {1, 2}))).result());
                assertEquals(2, Sockets.run(ctx, Request.recv(s, ByteBuffer.allocateDirect(64))).result());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void closingASocketCancelsItsRequestsInFlight(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]) {
                IoSocket s = p[1];
                Request r1 = Request.recv(s, ByteBuffer.allocateDirect(64)).userData(1);
                Request r2 = Request.poll(s, Poll.IN).userData(2);
                assertEquals(2, ctx.submit(r1, r2));
                Thread.sleep(50);
                s.close();
                assertFalse(s.isOpen());
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertEquals(-Errno.ECANCELED, ev.get(1L).result());
                assertEquals(-Errno.ECANCELED, ev.get(2L).result());
                InvalidRequestException x = assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.recv(s, ByteBuffer.allocateDirect(8))));
                assertEquals(Errno.EBADF, x.errno());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aCloseRequestCancelsTheOthersAndClosesTheDescriptor(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]) {
                IoSocket s = p[1];
                Request r1 = Request.recv(s, ByteBuffer.allocateDirect(64)).userData(1);
                assertEquals(1, ctx.submit(r1));
                Thread.sleep(50);
                assertEquals(1, ctx.submit(Request.close(s).userData(2)));
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertEquals(-Errno.ECANCELED, ev.get(1L).result());
                assertEquals(0, ev.get(2L).result());
                assertFalse(s.isOpen());
                // The peer sees the connection closed: end of stream.
                assertEquals(0, Sockets.run(ctx, Request.recv(c, ByteBuffer.allocateDirect(8))).result());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aCloseInTheSameBatchCancelsTheRequestsBeforeIt(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.UNIX, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]) {
                IoSocket s = p[1];
                Request recv = Request.recv(s, ByteBuffer.allocateDirect(64)).userData(1);
                Request close = Request.close(s).userData(2);
                Request after = Request.recv(s, ByteBuffer.allocateDirect(64)).userData(3);
                assertEquals(2, ctx.submit(recv, close, after), "the request after the CLOSE is refused");
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertEquals(-Errno.ECANCELED, ev.get(1L).result());
                assertEquals(0, ev.get(2L).result());
                assertEquals(0, Sockets.run(ctx, Request.recv(c, ByteBuffer.allocateDirect(8))).result(),
                        "the peer reads end of stream: the descriptor was closed");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aLargeSendGoesWholeAndAPartialOneStopsEarly(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                c.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
                s.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
                int size = 8 << 20;
                var src = IoBuffers.allocate(size);
                TestFiles.fill(src, 0, 3);
                Request send = Request.send(c, src).userData(1);
                assertEquals(1, ctx.submit(send));
                var dst = IoBuffers.allocate(size);
                long got = 0;
                boolean sent = false;
                while (got < size || !sent) {
                    Request r = Request.recv(s, dst.asSlice(got)).userData(2);
                    assertEquals(1, ctx.submit(r));
                    boolean recvDone = false;
                    while (!recvDone) {
                        Event e = TestFiles.takeOne(ctx, Duration.ofSeconds(30));
                        if (e.userData() == 1) {
                            assertEquals(size, e.result(), "the whole buffer, across short sends: " + e);
                            sent = true;
                        } else {
                            assertTrue(e.result() > 0, e.toString());
                            got += e.result();
                            recvDone = true;
                        }
                    }
                    if (got == size && !sent) {
                        Event e = TestFiles.takeOne(ctx, Duration.ofSeconds(30));
                        assertEquals(size, e.result());
                        sent = true;
                    }
                }
                assertArrayEquals(TestFiles.bytes(src), TestFiles.bytes(dst));

                Event partial = Sockets.run(ctx, Request.send(c, src).flag(RequestFlag.PARTIAL));
                assertTrue(partial.result() > 0 && partial.result() < size,
                        "one send takes what the socket buffer has room for: " + partial);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void aSendFlaggedMoreIsHeldForWhatFollows(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                Event head = Sockets.run(ctx, Request.send(c, ByteBuffer.wrap(new byte[] {1, 2, 3})).flag(RequestFlag.MORE));
                assertEquals(3, head.result(), "queued in full: " + head);
                // MSG_MORE: the small segment waits for the rest instead of leaving alone.
                assertEquals(1, ctx.submit(Request.poll(s, Poll.IN).userData(9)));
                assertEquals(0, ctx.getEvents(0, TestFiles.events(1), Duration.ofMillis(40)), "held back");
                assertEquals(1, ctx.submit(Request.send(c, ByteBuffer.wrap(new byte[] {4, 5, 6})).userData(10)));
                Map<Long, EventCopy> ev = byUserData(TestFiles.reap(ctx, 2));
                assertEquals(3, ev.get(10L).result(), "the rest: " + ev.get(10L));
                assertTrue((ev.get(9L).result() & Poll.IN) != 0, "readable once the rest went: " + ev.get(9L));
                ByteBuffer in = ByteBuffer.allocateDirect(16);
                int got = 0;
                while (got < 6) {
                    long r = Sockets.run(ctx, Request.recv(s, in.slice(got, 16 - got))).result();
                    assertTrue(r > 0, "recv: " + r);
                    got += (int) r;
                }
                for (int i = 0; i < 6; i++) {
                    assertEquals(i + 1, in.get(i));
                }
                InvalidRequestException e = assertThrows(InvalidRequestException.class,
                        () -> ctx.submit(Request.recv(s, in).flag(RequestFlag.MORE)));
                assertTrue(e.getMessage().contains("MORE"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void anAcceptedConnectionNobodyTookIsClosedWithTheContext(Engine engine) throws Exception {
        try (IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir); IoSocket c = Sockets.client(l)) {
            try (IoContext ctx = Sockets.context(engine, 8)) {
                assertEquals(2, ctx.submit(Request.accept(l), Request.connect(c, l.localAddress())));
                for (EventCopy e : TestFiles.reap(ctx, 2)) {
                    assertTrue(e.result() >= 0, e.toString());
                }
            }
            // Nobody took the accepted side; the context closed it: its peer reads end of stream.
            try (IoContext ctx = Sockets.context(engine, 8)) {
                assertEquals(0, Sockets.run(ctx, Request.recv(c, ByteBuffer.allocateDirect(8))).result());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void theAcceptedSocketIsTakenOnce(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 8); IoSocket l = Sockets.listener(Sockets.Kind.UNIX, dir);
             IoSocket c = Sockets.client(l)) {
            Request acc = Request.accept(l);
            assertEquals(2, ctx.submit(acc, Request.connect(c, l.localAddress())));
            Event[] ev = TestFiles.events(2);
            assertEquals(2, ctx.getEvents(2, ev, Duration.ofSeconds(30)));
            Event a = ev[0].opcode() == Opcode.ACCEPT ? ev[0] : ev[1];
            IoSocket s = a.acceptedSocket();
            assertTrue(s != null && s.isOpen());
            assertTrue(s == a.acceptedSocket(), "the same socket on a second call");
            Event copy = new Event();
            assertNull(ev[0] == a ? ev[1].acceptedSocket() : ev[0].acceptedSocket(), "a connect event has none");
            s.close();
            assertNull(copy.acceptedSocket());
        }
    }

    private static Map<Long, EventCopy> byUserData(java.util.List<EventCopy> evs) {
        Map<Long, EventCopy> m = new HashMap<>();
        for (EventCopy e : evs) {
            m.put(e.userData(), e);
        }
        return m;
    }
}

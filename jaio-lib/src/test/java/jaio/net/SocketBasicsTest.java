package jaio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.stream.Stream;
import jaio.Engine;
import jaio.Errno;
import jaio.Event;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Request;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.EventCopy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Echo over each kind of socket, on every engine (O5). */
class SocketBasicsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> enginesAndKinds() {
        return TestEngines.all().flatMap(e -> Stream.of(Sockets.Kind.values()).map(k -> Arguments.of(e, k)));
    }

    @ParameterizedTest
    @MethodSource("enginesAndKinds")
    void echo(Engine engine, Sockets.Kind kind) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 16); IoSocket l = Sockets.listener(kind, dir)) {
            IoSocket[] p = Sockets.connect(ctx, l);
            try (IoSocket c = p[0]; IoSocket s = p[1]) {
                assertNotNull(s);
                byte[] msg = "hello, jaio".getBytes();
                ByteBuffer in = ByteBuffer.allocateDirect(4096);
                Request recv = Request.recv(s, in).userData(1);
                Request send = Request.send(c, ByteBuffer.wrap(msg)).userData(2);
                assertEquals(1, ctx.submit(recv));
                assertEquals(1, ctx.submit(send));
                for (EventCopy e : TestFiles.reap(ctx, 2)) {
                    assertEquals(msg.length, e.result(), "the message, not the buffer's 4096: " + e);
                }
                byte[] b = new byte[msg.length];
                in.get(0, b);
                assertArrayEquals(msg, b);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void connectRefused(Engine engine) throws Exception {
        try (IoContext ctx = Sockets.context(engine, 4)) {
            java.net.SocketAddress dead;
            try (IoSocket l = Sockets.listener(Sockets.Kind.TCP4, dir)) {
                dead = l.localAddress();
            }
            try (IoSocket c = IoSocket.open(java.net.StandardProtocolFamily.INET)) {
                Event e = Sockets.run(ctx, Request.connect(c, dead));
                assertEquals(-Errno.ECONNREFUSED, e.result(), e.toString());
                assertEquals("ECONNREFUSED", e.errnoName());
            }
        }
    }
}

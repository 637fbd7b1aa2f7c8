package jaio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jaio.Engine;
import jaio.Event;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Request;
import jaio.testkit.TestFiles;

/** Helpers of the socket tests: listeners on each kind of address, connected pairs made by requests. */
final class Sockets {
    private Sockets() {}

    /** The kinds of stream socket the suite walks. */
    enum Kind { TCP4, TCP6, UNIX }

    /** A context on {@code engine}, skipping the test when the engine has no socket opcodes. */
    static IoContext context(Engine engine, int capacity) throws IOException {
        IoContext ctx = IoContext.builder().engine(engine).capacity(capacity).open();
        if (!ctx.engineInfo().operations().containsKey(Opcode.ACCEPT)) {
            ctx.close();
            assumeTrue(false, engine + " has no socket requests here");
        }
        return ctx;
    }

    /** A listening socket on a fresh address of {@code kind} (a free port, or a new path in {@code dir}). */
    static IoSocket listener(Kind kind, Path dir) throws IOException {
        return IoSocket.openServer(address(kind, dir), 1024);
    }

    static SocketAddress address(Kind kind, Path dir) throws IOException {
        return switch (kind) {
            case TCP4 -> new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            case TCP6 -> {
                assumeTrue(hasIpv6(), "no IPv6 loopback here");
                yield new InetSocketAddress(InetAddress.getByName("::1"), 0);
            }
            case UNIX -> UnixDomainSocketAddress.of(Files.createTempFile(dir, "s", ".sock").toString() + "x");
        };
    }

    static boolean hasIpv6() {
        try (IoSocket s = IoSocket.open(StandardProtocolFamily.INET6)) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A fresh unconnected socket of the listener's family. */
    static IoSocket client(IoSocket listener) throws IOException {
        return IoSocket.open(listener.family());
    }

    /** Runs one request to its event and returns the event (a fresh object). */
    static Event run(IoContext ctx, Request r) {
        assertEquals(1, ctx.submit(r));
        return TestFiles.takeOne(ctx, Duration.ofSeconds(30));
    }

    /**
     * A connected pair made with requests: [0] the client, [1] the accepted server side. Both
     * requests are in flight together.
     */
    static IoSocket[] connect(IoContext ctx, IoSocket listener) throws IOException {
        IoSocket c = client(listener);
        Request a = Request.accept(listener).userData(1);
        Request k = Request.connect(c, listener.localAddress()).userData(2);
        assertEquals(2, ctx.submit(a, k));
        IoSocket accepted = null;
        for (int i = 0; i < 2; i++) {
            Event e = TestFiles.takeOne(ctx, Duration.ofSeconds(30));
            assertEquals(e.opcode() == Opcode.ACCEPT ? 1 : 2, e.userData());
            if (e.opcode() == Opcode.ACCEPT) {
                assertEquals(true, e.result() >= 0, "accept: " + e);
                accepted = e.acceptedSocket();
            } else {
                assertEquals(0, e.result(), "connect: " + e);
            }
        }
        return new IoSocket[] {c, accepted};
    }
}

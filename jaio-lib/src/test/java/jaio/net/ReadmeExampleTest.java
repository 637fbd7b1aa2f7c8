package jaio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jaio.Event;
import jaio.IoBuffers;
import jaio.IoContext;
import jaio.IoSocket;
import jaio.Request;
import org.junit.jupiter.api.Test;

/** The README's socket example, as written there (on a free port), against a plain JDK client. */
class ReadmeExampleTest {
    @Test
    void theReadmeEchoServerEchoes() throws Exception {
        try (IoContext ctx = IoContext.open(256);
             IoSocket server = IoSocket.openServer(new InetSocketAddress("127.0.0.1", 0), 128)) {
            CompletableFuture<byte[]> client = CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket()) {
                    s.connect(server.localAddress());
                    OutputStream out = s.getOutputStream();
                    out.write("ping".getBytes());
                    InputStream in = s.getInputStream();
                    return in.readNBytes(4);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ctx.submit(Request.accept(server));
            Event[] ev = {new Event()};
            ctx.getEvents(1, ev, Duration.ofSeconds(30));
            try (IoSocket conn = ev[0].acceptedSocket()) {
                ByteBuffer buf = IoBuffers.byteBuffer(4096);
                ctx.submit(Request.recv(conn, buf));
                ctx.getEvents(1, ev, Duration.ofSeconds(30));
                int n = (int) ev[0].result();
                assertEquals(4, n);
                ctx.submit(Request.send(conn, buf.slice(0, Math.max(n, 0))));
                ctx.getEvents(1, ev, Duration.ofSeconds(30));
                assertEquals(4, ev[0].result());
            }
            assertArrayEquals("ping".getBytes(), client.get(30, TimeUnit.SECONDS));
        }
    }
}

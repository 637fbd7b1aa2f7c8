package jaio.examples.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import jaio.Engine;
import jaio.EngineInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example server end to end, on every engine: started on a free port, it is fetched over
 * real HTTP with the JDK's HttpClient (GET of a small and a large file, bytes compared; HEAD;
 * 404; many requests at once over kept-alive connections), sent a malformed request (400) and
 * pipelined requests on a raw socket, then closed: its loop returns and releases everything.
 */
class HttpFileServerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"IO_URING", "KAIO", "THREADS"})
    void servesFilesOverHttpOnEveryEngine(Engine engine) throws Exception {
        EngineInfo info = EngineInfo.probe(engine);
        assumeTrue(info.available(), () -> engine + " is not available here: " + info.reason());
        byte[] small = random(4096, 1);
        byte[] large = random(3 * 1024 * 1024 + 17, 2);
        Files.write(dir.resolve("small.bin"), small);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/large.bin"), large);
        Files.writeString(dir.resolve("index.html"), "<p>hi</p>\n");

        HttpFileServer server = new HttpFileServer(dir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                engine);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread loop = Thread.ofPlatform().name("http-loop").start(() -> {
            try {
                server.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            String base = "http://127.0.0.1:" + port;
            HttpResponse<byte[]> r = get(client, base + "/small.bin");
            assertEquals(200, r.statusCode());
            assertArrayEquals(small, r.body());
            assertEquals("4096", r.headers().firstValue("content-length").orElseThrow());

            r = get(client, base + "/sub/large.bin");
            assertEquals(200, r.statusCode());
            assertArrayEquals(large, r.body());

            r = get(client, base + "/");
            assertEquals(200, r.statusCode());
            assertEquals("<p>hi</p>\n", new String(r.body(), StandardCharsets.UTF_8));

            HttpResponse<byte[]> h = client.send(HttpRequest.newBuilder(URI.create(base + "/sub/large.bin"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, h.statusCode());
            assertEquals(String.valueOf(large.length), h.headers().firstValue("content-length").orElseThrow());
            assertEquals(0, h.body().length);

            assertEquals(404, get(client, base + "/missing").statusCode());
            assertEquals(404, get(client, base + "/%2e%2e/%2e%2e/etc/passwd").statusCode());

            List<CompletableFuture<HttpResponse<byte[]>>> many = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String path = i % 4 == 0 ? "/sub/large.bin" : "/small.bin";
                many.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (int i = 0; i < many.size(); i++) {
                HttpResponse<byte[]> m = many.get(i).get();
                assertEquals(200, m.statusCode());
                assertArrayEquals(i % 4 == 0 ? large : small, m.body());
            }
        }
        rawRequests(port, small);
        long t0 = System.nanoTime();
        server.close();
        loop.join(Duration.ofSeconds(10));
        assertFalse(loop.isAlive(), "the loop returns after close");
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "close is seen at once");
        if (failed.get() != null) {
            throw new AssertionError("the loop failed", failed.get());
        }
        assertTrue(server.served() >= 46, "responses: " + server.served());
    }

    /** Two pipelined requests on one connection, then a malformed one: 200, 200, 400 and the close. */
    private static void rawRequests(int port, byte[] small) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /small.bin HTTP/1.1\r\nHost: x\r\n\r\nHEAD /small.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "BOGUS\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int first = text.indexOf("HTTP/1.1 200 OK");
            int second = text.indexOf("HTTP/1.1 200 OK", first + 1);
            int bad = text.indexOf("HTTP/1.1 400 Bad Request");
            assertTrue(first == 0 && second > first && bad > second, text.substring(0, Math.min(400, text.length())));
            int body = text.indexOf("\r\n\r\n") + 4;
            byte[] got = java.util.Arrays.copyOfRange(all, body, body + small.length);
            assertArrayEquals(small, got);
            assertTrue(text.contains("Connection: close"), "the 400 closes the connection");
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /small.bin HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            assertTrue(new String(all, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 OK"));
            assertEquals(small.length, all.length - (new String(all, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4),
                    "HTTP/1.0 without keep-alive: one response, then the server closes");
        }
    }

    private static HttpResponse<byte[]> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}

package jaio.examples.http;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jaio.Engine;
import jaio.Event;
import jaio.IoContext;
import jaio.IoFile;
import jaio.IoSocket;
import jaio.Opcode;
import jaio.Request;
import jaio.RequestFlag;

/**
 * A static HTTP/1.1 file server on one jaio context driven by one thread (the caller of
 * {@link #run}): GET and HEAD, keep-alive and pipelining, Content-Length, 400, 404 and 405,
 * bodies by SENDFILE linked after the SEND of the head (one chain per response; the head is
 * flagged MORE, so that it leaves in the body's segments). Written only against jaio's public
 * API. What the loop starts while it handles a turn's events is submitted at the end of the
 * turn, together with the wait for the next events: one system call on io_uring for the whole
 * turn (submitAndWait). {@link #close} may be called from any thread: the loop stops
 * accepting, closes every connection (their requests in flight end cancelled) and closes the
 * context once every event has come back.
 *
 * <p>Files are opened once and kept open; a file is looked at again (its size) at most once a
 * second, so a change on disk is seen within a second.
 */
public final class HttpFileServer implements Closeable {
    private static final int ACCEPTS = 8;
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final java.time.Duration WAIT = java.time.Duration.ofMillis(500);

    private final Path root;
    private final IoContext ctx;
    private final IoSocket listener;
    private final Request[] accepts = new Request[ACCEPTS];
    private final Set<Connection> connections = new HashSet<>();
    private final Map<String, Cached> files = new HashMap<>();
    private final List<IoFile> retired = new ArrayList<>();
    private final Request wake = Request.noop();
    /** What this turn of the loop started, submitted with the wait for the next events. */
    private final Request[] pending = new Request[4096];
    private int pendingCount;
    private volatile boolean stopping;
    private int acceptsInFlight;
    private long served;

    /** An open file and what the server knows of it, with its 200 heads made once. */
    private record Cached(IoFile file, long size, String type, long checkedAt, byte[] keepHead, byte[] closeHead) {
        Cached(IoFile file, long size, String type, long checkedAt) {
            this(file, size, type, checkedAt, Connection.headBytes("200 OK", size, type, true),
                    Connection.headBytes("200 OK", size, type, false));
        }
    }

    /**
     * Opens the context and the listening socket; {@link #run} serves.
     *
     * @param root   the directory served
     * @param local  the address to listen on (port 0: a free one, see {@link #localAddress})
     * @param engine the engine of the context
     */
    public HttpFileServer(Path root, SocketAddress local, Engine engine) throws IOException {
        this.root = root.toRealPath();
        this.ctx = IoContext.builder().engine(engine).capacity(4096).name("http").open();
        try {
            this.listener = IoSocket.openServer(local, 1024);
        } catch (IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /** The address the server listens on. */
    public SocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    /** The engine serving. */
    public Engine engine() {
        return ctx.engine();
    }

    /** Responses sent so far (read by the loop thread, or after {@link #run} returned). */
    public long served() {
        return served;
    }

    /** Serves until {@link #close}; then releases everything and returns. On the caller's thread. */
    public void run() throws IOException {
        for (int i = 0; i < ACCEPTS; i++) {
            accepts[i] = Request.accept(listener).attachment(this);
            submitAccept(accepts[i]);
        }
        Event[] events = new Event[256];
        for (int i = 0; i < events.length; i++) {
            events[i] = new Event();
        }
        boolean shutting = false;
        try {
            while (true) {
                int n = submitAndWait(events);
                for (int i = 0; i < n; i++) {
                    dispatch(events[i]);
                }
                if (stopping && !shutting) {
                    shutting = true;
                    listener.close();
                    for (Connection c : new ArrayList<>(connections)) {
                        closeConnection(c);
                    }
                }
                if (shutting && acceptsInFlight == 0 && connections.isEmpty() && !wake.isInFlight()) {
                    return;
                }
            }
        } finally {
            ctx.close();
            listener.close();
            for (Connection c : connections) {
                c.socket.close();
            }
            for (Cached f : files.values()) {
                f.file().close();
            }
            for (IoFile f : retired) {
                f.close();
            }
        }
    }

    /** Stops the server: {@link #run} returns once everything is closed. Any thread. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        try {
            // Wakes the loop at once rather than at its next timeout.
            ctx.submit(wake);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // closed already, or the wake-up is still in flight: the loop sees the flag anyway
        }
    }

    /**
     * Submits what this turn started and waits for at least one event (500 ms at most): one
     * call for both. Should the batch be refused as a whole (no room, or a request the context
     * will not take), each connection's requests go on their own, and a connection whose
     * requests are refused is closed.
     */
    private int submitAndWait(Event[] events) {
        int n = dropClosed(pendingCount);
        pendingCount = 0;
        if (n > 0) {
            int r;
            try {
                r = ctx.submitAndWait(pending, 0, n, 1, events, WAIT);
            } catch (jaio.InvalidRequestException e) {
                r = -jaio.Errno.EAGAIN;
            }
            if (r >= 0) {
                java.util.Arrays.fill(pending, 0, n, null);
                return r;
            }
            submitOneByOne(n);
        }
        return ctx.getEvents(1, events.length, events, WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Leaves out the requests of connections closed during the turn; returns how many remain. */
    private int dropClosed(int n) {
        int kept = 0;
        for (int i = 0; i < n; ) {
            Connection c = (Connection) pending[i].attachment();
            int len = pending[i].isLinked() ? 2 : 1;
            if (c.closing) {
                c.inFlight -= len;
                finishClose(c);
            } else {
                System.arraycopy(pending, i, pending, kept, len);
                kept += len;
            }
            i += len;
        }
        java.util.Arrays.fill(pending, kept, n, null);
        return kept;
    }

    private void submitOneByOne(int n) {
        for (int i = 0; i < n; ) {
            Connection c = (Connection) pending[i].attachment();
            int len = pending[i].isLinked() ? 2 : 1;
            int got;
            try {
                got = c.closing ? 0 : ctx.submit(pending, i, len);
            } catch (RuntimeException e) {
                got = 0;
            }
            c.inFlight -= len - got;
            if (got < len) {
                closeConnection(c);
            }
            java.util.Arrays.fill(pending, i, i + len, null);
            i += len;
        }
    }

    private void submitAccept(Request a) {
        if (!stopping && ctx.submit(a) == 1) {
            acceptsInFlight++;
        }
    }

    private void dispatch(Event e) throws IOException {
        Object at = e.attachment();
        if (at == this) {
            acceptsInFlight--;
            IoSocket s = e.acceptedSocket();
            if (s != null) {
                accepted(s);
            }
            if (!stopping && (e.result() >= 0 || e.result() == -jaio.Errno.ECONNABORTED)) {
                submitAccept(e.request());
            }
            return;
        }
        if (!(at instanceof Connection c)) {
            return;
        }
        c.inFlight--;
        if (c.closing) {
            finishClose(c);
            return;
        }
        if (e.opcode() == Opcode.RECV) {
            if (e.result() <= 0) {
                closeConnection(c);
                return;
            }
            c.inLen += (int) e.result();
            serve(c);
        } else if (e.opcode() == Opcode.SEND) {
            if (e.result() < 0) {
                closeConnection(c);
            } else if (c.bodyLength < 0) {
                responded(c);
            }
        } else if (e.opcode() == Opcode.SENDFILE) {
            if (e.result() != c.bodyLength) {
                closeConnection(c);
            } else {
                responded(c);
            }
        }
    }

    private void accepted(IoSocket s) {
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException | UnsupportedOperationException e) {
            // a Unix socket has no Nagle to turn off
        }
        Connection c = new Connection(s);
        connections.add(c);
        receive(c);
    }

    private void receive(Connection c) {
        if (c.inFull()) {
            // A head larger than the buffer: refuse it.
            badRequest(c);
            return;
        }
        submit(c, c.prepRecv());
    }

    /** Queues a connection's request (or a chain of two: {@code r} linked to {@code next}) for the end of the turn. */
    private void submit(Connection c, Request r) {
        pending[pendingCount++] = r;
        c.inFlight++;
    }

    /** A response ended well: the next pipelined request, or a receive, or the end. */
    private void responded(Connection c) {
        served++;
        c.bodyLength = -1;
        if (!c.keepAlive) {
            closeConnection(c);
            return;
        }
        serve(c);
    }

    /** Answers the request at the start of the input if it is complete, else receives more. */
    private void serve(Connection c) {
        int r = c.head.parse(c.in, c.inLen);
        if (r == HttpHead.INCOMPLETE) {
            receive(c);
            return;
        }
        if (r == HttpHead.BAD) {
            badRequest(c);
            return;
        }
        HttpHead h = c.head;
        c.consume(h.length);
        c.keepAlive = h.keepAlive && !stopping;
        boolean head = h.method.equals("HEAD");
        if (!head && !h.method.equals("GET")) {
            error(c, "405 Method Not Allowed", "method not allowed\n", c.keepAlive);
            return;
        }
        Cached f = lookup(h.path);
        if (f == null) {
            error(c, "404 Not Found", "not found\n", c.keepAlive);
            return;
        }
        c.head(c.keepAlive ? f.keepHead() : f.closeHead());
        if (head || f.size() == 0) {
            c.bodyLength = -1;
            c.send.flags().unlink();
            submit(c, c.send);
            return;
        }
        c.prepBody(f.file(), f.size());
        c.send.flags(RequestFlag.MORE).link();
        submit(c, c.send);
        submit(c, c.sendfile);
    }

    private void badRequest(Connection c) {
        c.keepAlive = false;
        error(c, "400 Bad Request", "bad request\n", false);
    }

    private void error(Connection c, String status, String body, boolean keep) {
        c.head(status, body.length(), "text/plain", keep);
        c.body(body);
        c.bodyLength = -1;
        c.send.flags().unlink();
        submit(c, c.send);
    }

    /** The open file for a request path, or null (not found, outside the root, not a regular file). */
    private Cached lookup(String target) {
        int q = target.indexOf('?');
        String path = q >= 0 ? target.substring(0, q) : target;
        long now = System.nanoTime();
        Cached c = files.get(path);
        if (c != null && now - c.checkedAt() < RECHECK_NANOS) {
            return c;
        }
        Path p = resolve(path);
        if (p == null) {
            return null;
        }
        try {
            if (Files.isDirectory(p)) {
                p = p.resolve("index.html");
            }
            if (!Files.isRegularFile(p)) {
                forget(path, c);
                return null;
            }
            long size = Files.size(p);
            if (c != null && c.size() == size) {
                c = new Cached(c.file(), size, c.type(), now, c.keepHead(), c.closeHead());
            } else {
                forget(path, c);
                c = new Cached(IoFile.open(p, StandardOpenOption.READ), size, type(p), now);
            }
            files.put(path, c);
            return c;
        } catch (IOException e) {
            forget(path, c);
            return null;
        }
    }

    private void forget(String path, Cached c) {
        if (c != null) {
            files.remove(path);
            // A sendfile may still be sending from it; closed with the server.
            retired.add(c.file());
        }
    }

    /** The file a request path names under the root, or null when it would leave the root. */
    private Path resolve(String path) {
        String decoded;
        try {
            decoded = java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (decoded.indexOf('\0') >= 0) {
            return null;
        }
        Path p = root.resolve(decoded.substring(1)).normalize();
        return p.startsWith(root) ? p : null;
    }

    private static String type(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        String ext = dot >= 0 ? n.substring(dot + 1) : "";
        return switch (ext) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "txt" -> "text/plain; charset=utf-8";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        };
    }

    /** Closes a connection: its requests in flight end cancelled; it is forgotten once they have. */
    private void closeConnection(Connection c) {
        if (!c.closing) {
            c.closing = true;
            c.socket.close();
        }
        finishClose(c);
    }

    private void finishClose(Connection c) {
        if (c.inFlight == 0) {
            connections.remove(c);
        }
    }

    /**
     * {@code ./jaio serve DIR [--port N] [--engine E]}: serves DIR on 0.0.0.0:N (8080 by default)
     * until the process is stopped.
     */
    public static void main(String[] args) throws Exception {
        Path dir = null;
        int port = 8080;
        Engine engine = Engine.AUTO;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--engine" -> engine = Engine.parse(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: ./jaio serve DIR [--port N] [--engine auto|uring|kaio|threads]");
                    return;
                }
                default -> dir = Path.of(args[i]);
            }
        }
        if (dir == null) {
            System.err.println("usage: ./jaio serve DIR [--port N] [--engine auto|uring|kaio|threads]");
            System.exit(2);
        }
        HttpFileServer s = new HttpFileServer(dir, new InetSocketAddress(port), engine);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.close();
            try {
                done.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.err.println("jaio serve: " + dir.toAbsolutePath() + " on " + s.localAddress() + ", engine "
                + s.engine().shortName());
        try {
            s.run();
        } finally {
            done.countDown();
        }
    }
}

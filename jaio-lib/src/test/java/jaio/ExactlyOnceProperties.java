package jaio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.testkit.TestEngines;
import jaio.testkit.TestFiles;
import jaio.testkit.TestFiles.BufKind;
import jaio.testkit.TestProcess;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Any sequence of submit / getEvents / await / cancel / close, on random files and buffers,
 * keeps the contract: exactly one event per accepted request, results and file contents equal
 * to a plain FileChannel model, and nothing left running after close.
 *
 * <p>Requests in flight never overlap a write on the same bytes (their order would be
 * undefined, SPEC P4), so the model is exact.
 */
class ExactlyOnceProperties {
    private static final int FILE_SIZE = 64 * 1024;
    private static final int FILES = 2;

    sealed interface Action permits Write, Read, Reap, Await, Cancel, Noop {}

    record Write(int file, int offset, int length, BufKind kind, int seed) implements Action {}

    record Read(int file, int offset, int length, BufKind kind, boolean vectored) implements Action {}

    record Reap(int min, int max) implements Action {}

    record Await(int pick) implements Action {}

    record Cancel(int pick) implements Action {}

    record Noop() implements Action {}

    private Path dir;

    @BeforeProperty
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("jaio-prop");
    }

    @AfterProperty
    void removeDir() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Provide
    Arbitrary<Engine> engines() {
        return Arbitraries.of(TestEngines.available().toList());
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<BufKind> kinds = Arbitraries.of(BufKind.values());
        Arbitrary<Action> write = Combinators.combine(Arbitraries.integers().between(0, FILES - 1),
                Arbitraries.integers().between(0, FILE_SIZE - 1), Arbitraries.integers().between(1, 6000), kinds,
                Arbitraries.integers().between(1, 1000)).as(Write::new);
        Arbitrary<Action> read = Combinators.combine(Arbitraries.integers().between(0, FILES - 1),
                Arbitraries.integers().between(0, FILE_SIZE + 100), Arbitraries.integers().between(1, 6000), kinds,
                Arbitraries.of(true, false)).as(Read::new);
        Arbitrary<Action> reap = Combinators.combine(Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(1, 8)).as(Reap::new);
        Arbitrary<Action> await = Arbitraries.integers().between(0, 100).map(Await::new);
        Arbitrary<Action> cancel = Arbitraries.integers().between(0, 100).map(Cancel::new);
        Arbitrary<Action> noop = Arbitraries.just(new Noop());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, write), net.jqwik.api.Tuple.of(5, read), net.jqwik.api.Tuple.of(4, reap),
                net.jqwik.api.Tuple.of(2, await), net.jqwik.api.Tuple.of(2, cancel), net.jqwik.api.Tuple.of(1, noop))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    /** A request in flight and what the model expects of it. */
    private record Pending(Request request, Action action, Object[] bufs, long id) {}

    @Property(tries = 150)
    void exactlyOneEventPerAcceptedRequestAndDataMatchesTheModel(@ForAll("engines") Engine engine,
                                                                 @ForAll("actions") List<Action> actions,
                                                                 @ForAll boolean drainBeforeClose) throws IOException {
        byte[][] model = new byte[FILES][];
        Path[] paths = new Path[FILES];
        IoFile[] files = new IoFile[FILES];
        for (int i = 0; i < FILES; i++) {
            paths[i] = TestFiles.patterned(dir, "f" + i, FILE_SIZE);
            model[i] = Files.readAllBytes(paths[i]);
            files[i] = IoFile.open(paths[i], StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        Map<Long, Pending> inFlight = new HashMap<>();
        Map<Long, Integer> events = new HashMap<>();
        Set<Long> accepted = new HashSet<>();
        boolean[][] unknown = new boolean[FILES][FILE_SIZE];
        Event[] evs = TestFiles.events(8);
        long nextId = 0;
        IoContext ctx = IoContext.builder().engine(engine).capacity(16).open();
        String ctxName = ctx.name();
        // The arena outlives the context: closing it first would race the requests still in
        // flight (the thread-pool engine holds a shared arena open during each transfer).
        Arena shared = Arena.ofShared();
        try {
            for (Action a : actions) {
                switch (a) {
                    case Write w -> {
                        int len = Math.min(w.length(), FILE_SIZE - w.offset());
                        if (overlapsAny(inFlight, w.file(), w.offset(), len)) {
                            continue;
                        }
                        Object buf = TestFiles.buffer(w.kind(), len, 8, shared);
                        TestFiles.fillBuf(buf, w.offset(), w.seed());
                        Request r = TestFiles.pwrite(files[w.file()], buf, w.offset()).userData(nextId);
                        submit(ctx, r, new Pending(r, new Write(w.file(), w.offset(), len, w.kind(), w.seed()), new Object[] {buf}, nextId),
                                inFlight, accepted);
                        nextId++;
                    }
                    case Read rd -> {
                        if (overlapsWrite(inFlight, rd.file(), rd.offset(), rd.length())) {
                            continue;
                        }
                        Object[] bufs;
                        Request r;
                        if (rd.vectored()) {
                            int first = (rd.length() + 2) / 3;
                            bufs = new Object[] {TestFiles.buffer(rd.kind(), first, 8, shared),
                                    TestFiles.buffer(rd.kind(), rd.length() - first, 8, shared)};
                            r = TestFiles.preadv(files[rd.file()], bufs, rd.offset());
                        } else {
                            bufs = new Object[] {TestFiles.buffer(rd.kind(), rd.length(), 8, shared)};
                            r = TestFiles.pread(files[rd.file()], bufs[0], rd.offset());
                        }
                        r.userData(nextId);
                        submit(ctx, r, new Pending(r, rd, bufs, nextId), inFlight, accepted);
                        nextId++;
                    }
                    case Noop n -> {
                        Request r = Request.noop().userData(nextId);
                        submit(ctx, r, new Pending(r, n, new Object[0], nextId), inFlight, accepted);
                        nextId++;
                    }
                    case Reap rp -> {
                        ContextStats st = ctx.stats();
                        int outstanding = st.inFlight() + st.unreaped();
                        int min = Math.min(rp.min(), outstanding);
                        int max = Math.max(min, rp.max());
                        int got = ctx.getEvents(min, max, evs, 10, java.util.concurrent.TimeUnit.SECONDS);
                        check(got >= min, "getEvents returned " + got + " < min " + min);
                        for (int i = 0; i < got; i++) {
                            onEvent(evs[i], inFlight, events, model, unknown);
                        }
                    }
                    case Await aw -> {
                        if (inFlight.isEmpty()) {
                            continue;
                        }
                        Pending p = pick(inFlight, aw.pick());
                        Event e = ctx.await(p.request(), Duration.ofSeconds(10));
                        check(e != null, "await timed out for " + p.request());
                        check(e.userData() == p.id(), "await returned another request's event");
                        onEvent(e, inFlight, events, model, unknown);
                    }
                    case Cancel c -> {
                        if (inFlight.isEmpty()) {
                            continue;
                        }
                        Pending p = pick(inFlight, c.pick());
                        CancelResult res = ctx.cancel(p.request());
                        if (res == CancelResult.CANCELED) {
                            Event e = ctx.await(p.request(), Duration.ofSeconds(10));
                            check(e != null && e.result() == -Errno.ECANCELED, "CANCELED without an ECANCELED event: " + e);
                            onEvent(e, inFlight, events, model, unknown);
                        }
                    }
                }
            }
            if (drainBeforeClose) {
                while (!inFlight.isEmpty()) {
                    int got = ctx.getEvents(1, evs, Duration.ofSeconds(10));
                    check(got > 0, "events missing: " + inFlight.keySet());
                    for (int i = 0; i < got; i++) {
                        onEvent(evs[i], inFlight, events, model, unknown);
                    }
                }
                check(ctx.getEvents(0, evs, Duration.ZERO) == 0, "an event nobody submitted");
            } else {
                // Closing drops what is unreaped: writes in flight may or may not land.
                for (Pending p : inFlight.values()) {
                    if (p.action() instanceof Write w) {
                        Arrays.fill(unknown[w.file()], w.offset(), w.offset() + w.length(), true);
                    }
                }
            }
        } finally {
            try {
                ctx.close();
            } finally {
                shared.close();
            }
        }
        for (Pending p : inFlight.values()) {
            check(!p.request().isInFlight(), "close left a request in flight");
        }
        for (Map.Entry<Long, Integer> e : events.entrySet()) {
            check(e.getValue() == 1, "request " + e.getKey() + " had " + e.getValue() + " events");
            check(accepted.contains(e.getKey()), "an event for a request never accepted");
        }
        if (drainBeforeClose) {
            check(events.keySet().equals(accepted), "accepted without an event: " + diff(accepted, events.keySet()));
        }
        for (int i = 0; i < FILES; i++) {
            files[i].close();
            byte[] disk = Files.readAllBytes(paths[i]);
            for (int b = 0; b < FILE_SIZE; b++) {
                if (!unknown[i][b] && disk[b] != model[i][b]) {
                    throw new AssertionError("file " + i + " byte " + b + ": disk " + disk[b] + " model " + model[i][b]);
                }
            }
        }
        for (String name : TestProcess.threadNames()) {
            check(!name.startsWith(ctxName + "-"), "thread left behind: " + name);
        }
    }

    private static Set<Long> diff(Set<Long> a, Set<Long> b) {
        Set<Long> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static void submit(IoContext ctx, Request r, Pending p, Map<Long, Pending> inFlight, Set<Long> accepted) {
        int n = ctx.submit(r);
        if (n == 1) {
            inFlight.put(p.id(), p);
            accepted.add(p.id());
        } else {
            ContextStats st = ctx.stats();
            check(n == 0 && st.inFlight() + st.unreaped() == ctx.capacity(), "refused although there was room: " + st);
        }
    }

    private static Pending pick(Map<Long, Pending> inFlight, int pick) {
        List<Long> ids = new ArrayList<>(inFlight.keySet());
        ids.sort(null);
        return inFlight.get(ids.get(pick % ids.size()));
    }

    private static boolean overlapsAny(Map<Long, Pending> inFlight, int file, int off, int len) {
        for (Pending p : inFlight.values()) {
            int[] r = region(p.action());
            if (r != null && r[0] == file && off < r[1] + r[2] && r[1] < off + len) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlapsWrite(Map<Long, Pending> inFlight, int file, int off, int len) {
        for (Pending p : inFlight.values()) {
            if (p.action() instanceof Write w && w.file() == file && off < w.offset() + w.length() && w.offset() < off + len) {
                return true;
            }
        }
        return false;
    }

    private static int[] region(Action a) {
        return switch (a) {
            case Write w -> new int[] {w.file(), w.offset(), w.length()};
            case Read r -> new int[] {r.file(), r.offset(), r.length()};
            default -> null;
        };
    }

    private static void onEvent(Event e, Map<Long, Pending> inFlight, Map<Long, Integer> events, byte[][] model,
                                boolean[][] unknown) {
        long id = e.userData();
        events.merge(id, 1, Integer::sum);
        Pending p = inFlight.remove(id);
        check(p != null, "event for request " + id + " which is not in flight (duplicate?)");
        check(p.request() == e.request(), "event names another request");
        switch (p.action()) {
            case Write w -> {
                long moved = e.result() >= 0 ? e.result() : e.result2();
                check(e.result() == w.length() || e.result() == -Errno.ECANCELED, "write result " + e);
                for (int i = 0; i < moved; i++) {
                    model[w.file()][w.offset() + i] = TestFiles.pattern(w.offset() + i, w.seed());
                }
            }
            case Read r -> {
                long expect = Math.max(0, Math.min(r.length(), FILE_SIZE - r.offset()));
                check(e.result() == expect || e.result() == -Errno.ECANCELED, "read result " + e + ", expected " + expect);
                byte[] got = new byte[0];
                for (Object b : p.bufs()) {
                    byte[] c = TestFiles.contents(b);
                    byte[] j = Arrays.copyOf(got, got.length + c.length);
                    System.arraycopy(c, 0, j, got.length, c.length);
                    got = j;
                }
                long n = e.result() >= 0 ? e.result() : e.result2();
                for (int i = 0; i < n; i++) {
                    int at = r.offset() + i;
                    if (!unknown[r.file()][at]) {
                        check(got[i] == model[r.file()][at], "read byte " + at + " of file " + r.file() + " differs from the model");
                    }
                }
            }
            case Noop n -> check(e.result() == 0 || e.result() == -Errno.ECANCELED, "noop result " + e);
            default -> throw new AssertionError(p.action());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}

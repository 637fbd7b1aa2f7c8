package jaio.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jaio.core.ContextCore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library's layers point one way (docs/DESIGN.md):
 *
 * <pre>
 *   jaio.posix, jaio.nio        facades: the public API only
 *   jaio                        public API
 *   jaio.core                   engine-independent machinery
 *   jaio.engine.{uring,kaio,threads}   engines, each on its own
 *   jaio.engine                 what only engines share (and the registry, by ServiceLoader)
 *   jaio.spi                    the engine contract: what crosses it
 *   jaio.linux                  bindings: nothing of jaio's
 * </pre>
 *
 * plus the public vocabulary (Opcode, RequestFlag, CancelResult, Errno, Poll, Engine,
 * Capability), plain value types that every layer but the bindings may name and that name
 * nothing else of jaio.
 *
 * <p>Every compiled class of the library is read with the JDK's class-file API, and every
 * class it refers to (constant pool class entries, and types in field and method
 * descriptors and generic signatures) is checked against the rules, so a fully qualified name
 * written inline is caught like an import. Compile-time constants are inlined by javac and
 * leave no trace in the class file, so the import lines of the sources are checked too.
 */
class LayeringTest {
    /** Public types every layer above the bindings may use: they use nothing else of jaio's. */
    static final Set<String> VOCABULARY = Set.of("jaio.Opcode", "jaio.RequestFlag", "jaio.CancelResult", "jaio.Errno",
            "jaio.Poll", "jaio.Engine", "jaio.Capability");

    /** For each layer, the layers it may use (besides itself and the vocabulary). */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "linux", Set.of(),
            "vocabulary", Set.of(),
            "spi", Set.of(),
            "engine", Set.of("spi", "linux"),
            "engines", Set.of("engine", "spi", "linux"),
            "core", Set.of("spi"),
            "api", Set.of("core", "spi", "engine"),
            "facade", Set.of("api"));

    /** Bindings of one kernel interface that the engine of another must not use. */
    static final Map<String, Pattern> FOREIGN_BINDINGS = Map.of(
            "jaio.engine.uring", Pattern.compile("jaio\\.linux\\.(Aio|AioRing|Iocb|IoEvent)(\\$.*)?"),
            "jaio.engine.kaio", Pattern.compile("jaio\\.linux\\.IoUring.*"));

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L(jaio/[A-Za-z0-9_/$]+)[;<]");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(jaio\\.[A-Za-z0-9_.]+?)(?:\\.[a-z*][A-Za-z0-9_]*)?;",
            Pattern.MULTILINE);

    private static Path classes;
    private static Path sources;

    @BeforeAll
    static void locate() throws URISyntaxException {
        classes = Path.of(ContextCore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        sources = classes.getParent().getParent().resolve("src/main/java");
    }

    /** The layer of a class or package name, or null for a name outside the library. */
    static String layer(String className) {
        if (VOCABULARY.contains(className.replaceAll("\\$.*", ""))) {
            return "vocabulary";
        }
        String pkg = className.contains(".") ? className.substring(0, className.lastIndexOf('.')) : "";
        return switch (pkg) {
            case "jaio" -> "api";
            case "jaio.core" -> "core";
            case "jaio.spi" -> "spi";
            case "jaio.engine" -> "engine";
            case "jaio.linux" -> "linux";
            case "jaio.posix", "jaio.nio" -> "facade";
            default -> pkg.startsWith("jaio.engine.") ? "engines" : null;
        };
    }

    static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Why {@code from} may not use {@code to}, or null when it may. */
    static String violation(String from, String to) {
        String lf = layer(from);
        String lt = layer(to);
        if (lf == null || lt == null || lf.equals(lt) && !lf.equals("engines")) {
            return null;
        }
        if (lf.equals("engines") && lt.equals("engines")) {
            return packageOf(from).equals(packageOf(to)) ? null : "an engine uses another engine's package";
        }
        if (lt.equals("vocabulary") && !lf.equals("linux")) {
            return null;
        }
        Pattern foreign = FOREIGN_BINDINGS.get(packageOf(from));
        if (foreign != null && foreign.matcher(to).matches()) {
            return "an engine uses another kernel interface's bindings";
        }
        return ALLOWED.get(lf).contains(lt) ? null : lf + " may not use " + lt;
    }

    @Test
    void compiledClassesOnlyUseLayersBelowThem() throws IOException {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel cm = ClassFile.of().parse(Files.readAllBytes(f));
                String from = cm.thisClass().asInternalName().replace('/', '.');
                if (from.equals("module-info")) {
                    continue;
                }
                checked++;
                for (String to : references(cm)) {
                    String why = violation(from, to);
                    if (why != null) {
                        bad.add(from + " -> " + to + ": " + why);
                    }
                }
            }
        }
        assertTrue(checked > 50, "found only " + checked + " classes under " + classes);
        assertEquals(List.of(), bad, "wrong-way dependencies (see docs/DESIGN.md for the layers)");
    }

    @Test
    void sourceImportsOnlyUseLayersBelowThem() throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = sources.relativize(f).toString();
                if (rel.equals("module-info.java")) {
                    continue;
                }
                String from = rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String to = m.group(1);
                    String why = violation(from, to);
                    if (why != null) {
                        bad.add(rel + ": import " + to + ": " + why);
                    }
                }
            }
        }
        assertEquals(List.of(), bad, "wrong-way imports (see docs/DESIGN.md for the layers)");
    }

    /** The rules themselves catch the wrong-way arrows the old tree had. */
    @Test
    void theRulesRefuseKnownWrongWayArrows() {
        assertTrue(violation("jaio.core.ContextCore", "jaio.linux.LibC") != null);
        assertTrue(violation("jaio.core.Engines", "jaio.engine.uring.IoUringProvider") != null);
        assertTrue(violation("jaio.core.ContextCore", "jaio.engine.Engines") != null);
        assertTrue(violation("jaio.spi.IoEngine", "jaio.core.Op") != null);
        assertTrue(violation("jaio.core.Retry", "jaio.spi.Op") == null);
        assertTrue(violation("jaio.IoFile", "jaio.linux.LibC") != null);
        assertTrue(violation("jaio.linux.Aio", "jaio.RequestFlag") != null);
        assertTrue(violation("jaio.engine.uring.UringSubmitter", "jaio.linux.Aio") != null);
        assertTrue(violation("jaio.engine.kaio.KaioEngine", "jaio.engine.uring.UringSlots") != null);
        assertTrue(violation("jaio.engine.kaio.KaioEngine", "jaio.core.KernelWake") != null);
        assertTrue(violation("jaio.spi.Capabilities", "jaio.Opcode") == null);
        assertTrue(violation("jaio.spi.Capabilities", "jaio.IoContext") != null);
        assertTrue(violation("jaio.Opcode", "jaio.IoContext") != null);
        assertTrue(violation("jaio.posix.Aio", "jaio.core.ContextCore") != null);
        assertTrue(violation("jaio.engine.Engines", "jaio.engine.uring.IoUringProvider") != null);
    }

    /** Every jaio class named by a class file: class entries, descriptors and signatures. */
    private static Set<String> references(ClassModel cm) {
        Set<String> out = new TreeSet<>();
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry c) {
                String n = c.asInternalName();
                while (n.startsWith("[")) {
                    n = n.substring(1);
                }
                if (n.startsWith("L") && n.endsWith(";")) {
                    n = n.substring(1, n.length() - 1);
                }
                if (n.startsWith("jaio/")) {
                    out.add(n.replace('/', '.'));
                }
            } else if (e instanceof Utf8Entry u) {
                Matcher m = DESCRIPTOR_TYPE.matcher(u.stringValue());
                while (m.find()) {
                    out.add(m.group(1).replace('/', '.'));
                }
            }
        }
        out.removeIf(n -> n.equals("module-info"));
        if (out.isEmpty() && !cm.thisClass().asInternalName().startsWith("jaio/")) {
            throw new UncheckedIOException(new IOException("not a jaio class: " + cm.thisClass().asInternalName()));
        }
        return out;
    }
}

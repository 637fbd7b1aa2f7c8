package jaio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.engine.Engines;
import jaio.spi.Availability;
import jaio.spi.Capabilities;
import jaio.spi.EngineProvider;
import jaio.spi.Execution;

/**
 * What an engine can do on this machine (E5): whether it is available (and if not,
 * why), which operations it runs and how, which request flags it honours, and what the
 * probe found.
 *
 * @param engine     the engine
 * @param available  whether this machine allows it
 * @param reason     why not, or a note on what was found
 * @param operations each supported opcode and how it runs ("kernel, async", "worker thread" ...)
 * @param flags      request flags honoured
 * @param inPlaceMemory which user memory the engine uses without a copy
 * @param features   what the probe found (kernel features, limits)
 * @param passedOver for a context opened with AUTO: the engines passed over, with reasons
 * @param support    how the engine carries each {@link Capability}, every one of them listed
 *                   (empty when the engine is not available): who does the work (the kernel,
 *                   a worker thread, jaio itself, or nobody yet) and a note naming the mechanism
 */
public record EngineInfo(Engine engine, boolean available, String reason, Map<Opcode, String> operations,
                         Set<RequestFlag> flags, String inPlaceMemory, List<String> features, List<String> passedOver,
                         Map<Capability, Support> support) {

    public EngineInfo {
        operations = Collections.unmodifiableMap(new EnumMap<>(operations.isEmpty() ? new EnumMap<>(Opcode.class) : operations));
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(RequestFlag.class) : EnumSet.copyOf(flags));
        features = List.copyOf(features);
        passedOver = List.copyOf(passedOver);
        support = Collections.unmodifiableMap(support.isEmpty() ? new EnumMap<>(Capability.class)
                : new EnumMap<>(support));
    }

    /** A report without the capability table (for an engine that is not available, it is empty anyway). */
    public EngineInfo(Engine engine, boolean available, String reason, Map<Opcode, String> operations,
                      Set<RequestFlag> flags, String inPlaceMemory, List<String> features, List<String> passedOver) {
        this(engine, available, reason, operations, flags, inPlaceMemory, features, passedOver, Map.of());
    }

    static EngineInfo of(Engine engine, Capabilities caps, List<String> passedOver) {
        Map<Opcode, String> ops = new EnumMap<>(Opcode.class);
        for (Map.Entry<Opcode, Execution> e : caps.opcodes().entrySet()) {
            ops.put(e.getKey(), e.getValue().label());
        }
        String mem = switch (caps.buffers()) {
            case NATIVE_STABLE -> "direct buffers, IoBuffers, global/automatic arena segments (others are copied)";
            case THREAD_ACCESSIBLE -> "any buffer except a confined arena's segment (copied for writes)"
                    + " and a heap segment of a non-byte array (copied)";
        };
        return new EngineInfo(engine, true, "available", ops, caps.flags(), mem, caps.features(), passedOver,
                SupportTable.of(engine, caps));
    }

    /** Probes one engine (a real round trip with the kernel where it matters). */
    public static EngineInfo probe(Engine engine) {
        if (engine == Engine.AUTO) {
            throw new IllegalArgumentException("probe a concrete engine, not AUTO");
        }
        for (EngineProvider p : Engines.all()) {
            if (p.kind() == engine) {
                return of(p);
            }
        }
        return new EngineInfo(engine, false, "not built into this version of jaio", Map.of(), Set.of(), "", List.of(), List.of());
    }

    /** Probes every engine, in automatic-selection order. */
    public static List<EngineInfo> probeAll() {
        List<EngineInfo> l = new ArrayList<>();
        for (Engine e : List.of(Engine.IO_URING, Engine.KAIO, Engine.THREADS)) {
            l.add(probe(e));
        }
        return l;
    }

    private static EngineInfo of(EngineProvider p) {
        Availability a = p.availability();
        if (!a.available()) {
            return new EngineInfo(p.kind(), false, a.reason(), Map.of(), Set.of(), "", List.of(), List.of());
        }
        EngineInfo i = of(p.kind(), p.describe(), List.of());
        return new EngineInfo(i.engine(), true, a.reason(), i.operations(), i.flags(), i.inPlaceMemory(), i.features(),
                List.of(), i.support());
    }
}

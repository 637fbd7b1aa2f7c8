package jaio.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jaio.Capability;
import jaio.Opcode;
import jaio.RequestFlag;

/**
 * What an engine can do: which opcodes and how it runs each, which request flags it honours,
 * what memory it can use directly, and the kernel features it found when probing.
 *
 * @param engine      the engine's short name (uring, kaio, threads)
 * @param opcodes     each supported opcode and how it runs
 * @param flags       request flags honoured (others are refused at submission)
 * @param buffers     the memory the engine uses without a copy
 * @param kernelPriority whether request priority reaches the kernel (ioprio)
 * @param signalsNotifyFd whether the engine itself signals {@link EngineOptions#notifyFd()}
 *                    once for every op it completes (else the context does)
 * @param features    what was found while probing, as short human-readable notes
 * @param directAtStoreBlock whether O_DIRECT offsets, lengths and addresses must be aligned to
 *                    the file store's block size (the JDK's FileChannel rule) rather than to
 *                    what the kernel reports for the file (statx)
 * @param inKernel    what the kernel does for this engine beyond running its opcodes, among
 *                    {@link Capability#SUBMIT_AND_WAIT} (one system call submits and waits),
 *                    {@link Capability#SHARED_RING} (completions read from a ring the kernel
 *                    writes, without a system call) and {@link Capability#BUFFERS} (buffers and
 *                    files registered with the kernel); the public EngineInfo.support()
 *                    counts the others as jaio's own work
 * @param notes       the engine's own words for how it carries a capability, in kernel
 *                    vocabulary where there is one (O1: "IORING_OP_READ, IORING_OP_WRITE"); short,
 *                    and the same on every machine where the engine runs, since
 *                    docs/CAPABILITIES.md is generated from them
 */
public record Capabilities(String engine, Map<Opcode, Execution> opcodes, Set<RequestFlag> flags,
                           BufferAccess buffers, boolean kernelPriority, boolean signalsNotifyFd,
                           List<String> features, boolean directAtStoreBlock, Set<Capability> inKernel,
                           Map<Capability, String> notes) {

    /** Capabilities of an engine that aligns O_DIRECT as the kernel reports. */
    public Capabilities(String engine, Map<Opcode, Execution> opcodes, Set<RequestFlag> flags,
                        BufferAccess buffers, boolean kernelPriority, boolean signalsNotifyFd, List<String> features) {
        this(engine, opcodes, flags, buffers, kernelPriority, signalsNotifyFd, features, false);
    }

    /** Capabilities of an engine that says nothing of its mechanisms beyond its opcodes. */
    public Capabilities(String engine, Map<Opcode, Execution> opcodes, Set<RequestFlag> flags,
                        BufferAccess buffers, boolean kernelPriority, boolean signalsNotifyFd, List<String> features,
                        boolean directAtStoreBlock) {
        this(engine, opcodes, flags, buffers, kernelPriority, signalsNotifyFd, features, directAtStoreBlock,
                Set.of(), Map.of());
    }

    public Capabilities {
        opcodes = Collections.unmodifiableMap(opcodes.isEmpty() ? new EnumMap<>(Opcode.class) : new EnumMap<>(opcodes));
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(RequestFlag.class) : EnumSet.copyOf(flags));
        features = List.copyOf(features);
        inKernel = Collections.unmodifiableSet(inKernel.isEmpty() ? EnumSet.noneOf(Capability.class)
                : EnumSet.copyOf(inKernel));
        notes = Collections.unmodifiableMap(notes.isEmpty() ? new EnumMap<>(Capability.class) : new EnumMap<>(notes));
    }

    /** The same report with what the kernel does and the engine's notes: {@link #inKernel()}, {@link #notes()}. */
    public Capabilities withMechanisms(Set<Capability> inKernel, Map<Capability, String> notes) {
        return new Capabilities(engine, opcodes, flags, buffers, kernelPriority, signalsNotifyFd, features,
                directAtStoreBlock, inKernel, notes);
    }

    /** The same report with one more line of {@link #features()}. */
    public Capabilities withFeature(String line) {
        List<String> f = new ArrayList<>(features);
        f.add(line);
        return new Capabilities(engine, opcodes, flags, buffers, kernelPriority, signalsNotifyFd, f,
                directAtStoreBlock, inKernel, notes);
    }

    public boolean supports(Opcode op) {
        return opcodes.containsKey(op);
    }

    public boolean supports(RequestFlag f) {
        return flags.contains(f);
    }
}

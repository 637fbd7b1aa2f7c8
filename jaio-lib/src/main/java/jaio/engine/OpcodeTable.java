package jaio.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import jaio.Opcode;
import jaio.spi.Execution;

/**
 * Immutable, so any thread may use it: the opcodes one engine carries, one line per opcode
 * family (the opcodes it covers, how this machine runs them, and how an engine instance makes
 * the object that drives them). The same lines give the engine's capability report
 * ({@link #carried}) and each engine instance's dispatch array ({@link #build}), so the two
 * cannot disagree, and a new opcode is a new family class plus one line.
 *
 * @param <P> what the engine probed on this machine
 * @param <C> what a family needs from its engine instance
 * @param <F> the engine's family type
 */
public final class OpcodeTable<P, C, F> {
    /**
     * One family.
     *
     * @param opcodes the opcodes it drives
     * @param how     how this machine runs them, or null when it cannot (the kernel lacks the
     *                operation): then the engine does not offer them
     * @param make    makes the family's driver for one engine instance
     */
    public record Line<P, C, F>(Set<Opcode> opcodes, Function<P, Execution> how, Function<C, F> make) {
        public Line {
            opcodes = Collections.unmodifiableSet(EnumSet.copyOf(opcodes));
        }
    }

    private final List<Line<P, C, F>> lines;

    public OpcodeTable(List<Line<P, C, F>> lines) {
        this.lines = List.copyOf(lines);
        EnumSet<Opcode> seen = EnumSet.noneOf(Opcode.class);
        for (Line<P, C, F> l : this.lines) {
            for (Opcode o : l.opcodes()) {
                if (!seen.add(o)) {
                    throw new IllegalArgumentException(o + " is in two families");
                }
            }
        }
    }

    /** A line, for the engine's table definition. */
    public static <P, C, F> Line<P, C, F> line(Function<P, Execution> how, Function<C, F> make, Opcode first,
                                                Opcode... rest) {
        return new Line<>(EnumSet.of(first, rest), how, make);
    }

    /** Each opcode this machine runs, and how: the capability report's opcode map. */
    public Map<Opcode, Execution> carried(P probe) {
        Map<Opcode, Execution> m = new EnumMap<>(Opcode.class);
        for (Line<P, C, F> l : lines) {
            Execution e = l.how().apply(probe);
            if (e != null) {
                for (Opcode o : l.opcodes()) {
                    m.put(o, e);
                }
            }
        }
        return m;
    }

    /**
     * The dispatch array of one engine instance, indexed by {@link Opcode#ordinal()}: one
     * driver per family this machine runs (shared by the family's opcodes), null for opcodes
     * the engine does not offer (the context refuses them before the engine sees them).
     */
    public F[] build(P probe, C engine, IntFunction<F[]> array) {
        F[] byOpcode = array.apply(Opcode.values().length);
        for (Line<P, C, F> l : lines) {
            if (l.how().apply(probe) != null) {
                F f = l.make().apply(engine);
                for (Opcode o : l.opcodes()) {
                    byOpcode[o.ordinal()] = f;
                }
            }
        }
        return byOpcode;
    }
}

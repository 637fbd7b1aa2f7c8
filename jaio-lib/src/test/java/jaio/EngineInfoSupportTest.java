package jaio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jaio.spi.BufferAccess;
import jaio.spi.Capabilities;
import jaio.spi.Execution;
import jaio.testkit.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The capability list and how EngineInfo.support() derives each engine's column from its report. */
class EngineInfoSupportTest {

    @Test
    void everyCapabilityIdOfTheSpecificationOnceInOrder() {
        List<String> ids = new ArrayList<>();
        for (Capability c : Capability.values()) {
            ids.add(c.id());
            assertFalse(c.title().isBlank() || c.meaning().isBlank(), c.name());
            assertEquals(c, Capability.ofId(c.id().toLowerCase(Locale.ROOT)));
        }
        List<String> want = new ArrayList<>();
        for (String group : List.of("C12", "O8", "E5", "P4", "X3", "J5", "B2", "S1")) {
            int n = Integer.parseInt(group.substring(1));
            for (int i = 1; i <= n; i++) {
                want.add(group.charAt(0) + String.valueOf(i));
            }
        }
        assertEquals(want, ids);
        assertThrows(IllegalArgumentException.class, () -> Capability.ofId("Z9"));
    }

    @ParameterizedTest
    @MethodSource("jaio.testkit.TestEngines#all")
    void anAvailableEngineSaysHowItCarriesEveryCapability(Engine engine) {
        EngineInfo i = EngineInfo.probe(engine);
        assertEquals(EnumSet.allOf(Capability.class), i.support().keySet());
        // The engine's own row is carried, the other engines' rows are not.
        Set<Capability> engines = EnumSet.of(Capability.IO_URING, Capability.NATIVE_AIO, Capability.THREADS);
        Capability self = switch (engine) {
            case IO_URING -> Capability.IO_URING;
            case KAIO -> Capability.NATIVE_AIO;
            default -> Capability.THREADS;
        };
        for (Capability c : engines) {
            assertEquals(c == self, i.support().get(c).supported(), c + " on " + engine);
        }
        assertEquals(i.operations().containsKey(Opcode.SENDFILE), i.support().get(Capability.FILE_SERVER).supported(),
                "the file server on " + engine);
        assertEquals(i.operations().containsKey(Opcode.SENDFILE), i.support().get(Capability.SENDFILE).supported(),
                "sendfile on " + engine);
        assertEquals(Support.Kind.LIBRARY, i.support().get(Capability.ORDERING).kind(), "chains on " + engine);
        assertEquals(i.operations().containsKey(Opcode.ACCEPT), i.support().get(Capability.NETWORK).supported(),
                "sockets on " + engine);
        for (Capability c : List.of(Capability.OPEN_CLOSE, Capability.CANCEL, Capability.RETRY, Capability.AUTO,
                Capability.POSIX_AIO, Capability.LIO_LISTIO, Capability.SIGEVENT,
                Capability.COMPLETABLE_FUTURE, Capability.JDK_CHANNELS, Capability.VIRTUAL_THREADS, Capability.OBSERVABILITY)) {
            assertEquals(Support.Kind.LIBRARY, i.support().get(c).kind(), c + " on " + engine);
        }
        assertEquals(engine == Engine.IO_URING ? Support.Kind.KERNEL : Support.Kind.LIBRARY,
                i.support().get(Capability.SUBMIT_AND_WAIT).kind());
    }

    @Test
    void operationsFollowTheOpcodeMapAndFlags() {
        Map<Opcode, Execution> ops = new EnumMap<>(Opcode.class);
        ops.put(Opcode.PREAD, Execution.KERNEL_NOWAIT_THEN_WORKER);
        ops.put(Opcode.PWRITE, Execution.KERNEL_NOWAIT_THEN_WORKER);
        ops.put(Opcode.FSYNC, Execution.KERNEL_ASYNC);
        ops.put(Opcode.NOOP, Execution.INLINE);
        Capabilities caps = new Capabilities("t", ops, EnumSet.of(RequestFlag.DSYNC), BufferAccess.NATIVE_STABLE, true,
                false, List.of()).withMechanisms(EnumSet.of(Capability.SHARED_RING),
                Map.of(Capability.PREAD_PWRITE, "pread, pwrite"));
        Map<Capability, Support> s = EngineInfo.of(Engine.KAIO, caps, List.of()).support();
        assertEquals(new Support(Support.Kind.KERNEL_THEN_WORKER, "pread, pwrite"), s.get(Capability.PREAD_PWRITE));
        assertEquals(new Support(Support.Kind.NONE, "not offered"), s.get(Capability.VECTORED));
        assertEquals(new Support(Support.Kind.KERNEL, "no FDSYNC"), s.get(Capability.SYNC));
        assertEquals(new Support(Support.Kind.LIBRARY, "no TIMEOUT"), s.get(Capability.NOOP_TIMEOUT));
        assertEquals(new Support(Support.Kind.KERNEL_THEN_WORKER, "DSYNC; no NOWAIT, SYNC, HIPRI, PARTIAL, MORE"),
                s.get(Capability.REQUEST_FLAGS));
        assertEquals(Support.Kind.KERNEL, s.get(Capability.KERNEL_PRIORITY).kind());
        assertEquals(Support.Kind.KERNEL, s.get(Capability.SHARED_RING).kind());
        assertEquals(Support.Kind.LIBRARY, s.get(Capability.BUFFERS).kind());
        assertEquals(Support.Kind.KERNEL_THEN_WORKER, s.get(Capability.NATIVE_AIO).kind());
        assertEquals("kernel then worker (pread, pwrite)", s.get(Capability.PREAD_PWRITE).toString());
        assertEquals("library", new Support(Support.Kind.LIBRARY, null).toString());
    }

    @Test
    void anEngineNotAvailableHasNoTable() {
        EngineInfo i = new EngineInfo(Engine.KAIO, false, "no", Map.of(), Set.of(), "", List.of(), List.of());
        assertTrue(i.support().isEmpty());
    }
}

package jaio.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The io_uring structs against the kernel's ABI: sizes and offsets as include/uapi/linux/
 * io_uring.h defines them, asserted once as numbers and once more against the C compiler's
 * own sizeof/offsetof on the system header (skipped where gcc or the header is missing).
 */
class IoUringLayoutTest {

    @TempDir
    Path dir;

    /** What jaio's layouts say: "struct.field" (or "struct" for sizeof) to a byte count. */
    static Map<String, Long> ours() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("io_uring_sqe", IoUringSqe.SIZE);
        m.put("io_uring_sqe.opcode", IoUringSqe.OPCODE);
        m.put("io_uring_sqe.flags", IoUringSqe.FLAGS);
        m.put("io_uring_sqe.ioprio", IoUringSqe.IOPRIO);
        m.put("io_uring_sqe.fd", IoUringSqe.FD);
        m.put("io_uring_sqe.off", IoUringSqe.OFF);
        m.put("io_uring_sqe.addr", IoUringSqe.ADDR);
        m.put("io_uring_sqe.len", IoUringSqe.LEN);
        m.put("io_uring_sqe.rw_flags", IoUringSqe.OP_FLAGS);
        m.put("io_uring_sqe.poll32_events", IoUringSqe.OP_FLAGS);
        m.put("io_uring_sqe.user_data", IoUringSqe.USER_DATA);
        m.put("io_uring_sqe.buf_index", IoUringSqe.BUF_INDEX);
        m.put("io_uring_sqe.personality", IoUringSqe.PERSONALITY);
        m.put("io_uring_sqe.file_index", IoUringSqe.FILE_INDEX);
        m.put("io_uring_sqe.addr3", IoUringSqe.ADDR3);
        m.put("io_uring_cqe", IoUringCqe.SIZE);
        m.put("io_uring_cqe.user_data", IoUringCqe.USER_DATA);
        m.put("io_uring_cqe.res", IoUringCqe.RES);
        m.put("io_uring_cqe.flags", IoUringCqe.FLAGS);
        m.put("io_uring_params", IoUringParams.SIZE);
        m.put("io_uring_params.sq_entries", IoUringParams.SQ_ENTRIES);
        m.put("io_uring_params.cq_entries", IoUringParams.CQ_ENTRIES);
        m.put("io_uring_params.flags", IoUringParams.FLAGS);
        m.put("io_uring_params.sq_thread_idle", IoUringParams.SQ_THREAD_IDLE);
        m.put("io_uring_params.features", IoUringParams.FEATURES);
        m.put("io_uring_params.sq_off", IoUringParams.SQ_OFF);
        m.put("io_uring_params.cq_off", IoUringParams.CQ_OFF);
        m.put("io_uring_params.sq_off.head", IoUringParams.SQ_OFF_HEAD);
        m.put("io_uring_params.sq_off.tail", IoUringParams.SQ_OFF_TAIL);
        m.put("io_uring_params.sq_off.ring_mask", IoUringParams.SQ_OFF_RING_MASK);
        m.put("io_uring_params.sq_off.ring_entries", IoUringParams.SQ_OFF_RING_ENTRIES);
        m.put("io_uring_params.sq_off.flags", IoUringParams.SQ_OFF_FLAGS);
        m.put("io_uring_params.sq_off.dropped", IoUringParams.SQ_OFF_DROPPED);
        m.put("io_uring_params.sq_off.array", IoUringParams.SQ_OFF_ARRAY);
        m.put("io_uring_params.cq_off.head", IoUringParams.CQ_OFF_HEAD);
        m.put("io_uring_params.cq_off.tail", IoUringParams.CQ_OFF_TAIL);
        m.put("io_uring_params.cq_off.ring_mask", IoUringParams.CQ_OFF_RING_MASK);
        m.put("io_uring_params.cq_off.ring_entries", IoUringParams.CQ_OFF_RING_ENTRIES);
        m.put("io_uring_params.cq_off.overflow", IoUringParams.CQ_OFF_OVERFLOW);
        m.put("io_uring_params.cq_off.cqes", IoUringParams.CQ_OFF_CQES);
        m.put("io_uring_params.cq_off.flags", IoUringParams.CQ_OFF_FLAGS);
        m.put("io_uring_probe", IoUringProbe.HEADER_SIZE);
        m.put("io_uring_probe.last_op", IoUringProbe.LAST_OP);
        m.put("io_uring_probe.ops_len", IoUringProbe.OPS_LEN);
        m.put("io_uring_probe_op", IoUringProbe.OP_SIZE);
        m.put("io_uring_probe_op.flags", IoUringProbe.OP_FLAGS);
        m.put("io_uring_getevents_arg", IoUringGeteventsArg.SIZE);
        m.put("io_uring_getevents_arg.sigmask_sz", IoUringGeteventsArg.SIGMASK_SZ);
        m.put("io_uring_getevents_arg.ts", IoUringGeteventsArg.TS);
        m.put("io_uring_files_update", IoUringFilesUpdate.SIZE);
        m.put("io_uring_files_update.offset", IoUringFilesUpdate.OFFSET);
        m.put("io_uring_files_update.fds", IoUringFilesUpdate.FDS);
        return m;
    }

    @Test
    void sizesAndOffsetsAreTheKernels() {
        Map<String, Long> m = ours();
        assertEquals(64, m.get("io_uring_sqe"));
        assertEquals(32, m.get("io_uring_sqe.user_data"));
        assertEquals(8, m.get("io_uring_sqe.off"));
        assertEquals(16, m.get("io_uring_sqe.addr"));
        assertEquals(24, m.get("io_uring_sqe.len"));
        assertEquals(28, m.get("io_uring_sqe.rw_flags"));
        assertEquals(40, m.get("io_uring_sqe.buf_index"));
        assertEquals(44, m.get("io_uring_sqe.file_index"));
        assertEquals(48, m.get("io_uring_sqe.addr3"));
        assertEquals(16, m.get("io_uring_cqe"));
        assertEquals(8, m.get("io_uring_cqe.res"));
        assertEquals(12, m.get("io_uring_cqe.flags"));
        assertEquals(120, m.get("io_uring_params"));
        assertEquals(40, m.get("io_uring_params.sq_off"));
        assertEquals(80, m.get("io_uring_params.cq_off"));
        assertEquals(64, m.get("io_uring_params.sq_off.array"));
        assertEquals(100, m.get("io_uring_params.cq_off.cqes"));
        assertEquals(16, m.get("io_uring_probe"));
        assertEquals(8, m.get("io_uring_probe_op"));
        assertEquals(24, m.get("io_uring_getevents_arg"));
        assertEquals(16, m.get("io_uring_getevents_arg.ts"));
        assertEquals(16, m.get("io_uring_files_update"));
        assertEquals(8, m.get("io_uring_files_update.fds"));
    }

    /** Compiles a program that prints sizeof/offsetof for every entry, and compares. */
    @Test
    void theCompilerAgreesOnTheSystemHeader() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/linux/io_uring.h")), "no /usr/include/linux/io_uring.h here");
        assumeTrue(new ProcessBuilder("gcc", "--version").start().waitFor() == 0, "no gcc here");
        Map<String, Long> m = ours();
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/io_uring.h>\n"
                + "int main(void) {\n");
        for (String k : m.keySet()) {
            int dot = k.indexOf('.');
            String expr = dot < 0 ? "sizeof(struct " + k + ")"
                    : "offsetof(struct " + k.substring(0, dot) + ", " + k.substring(dot + 1) + ")";
            c.append("  printf(\"%s %zu\\n\", \"").append(k).append("\", (size_t) ").append(expr).append(");\n");
        }
        c.append("  return 0;\n}\n");
        Path src = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(src, c);
        Process cc = new ProcessBuilder("gcc", "-o", exe.toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), () -> "gcc failed:\n" + ccOut);
        Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.waitFor(5, TimeUnit.SECONDS) ? run.exitValue() : -1);
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            assertEquals(Long.parseLong(kv[1]), m.get(kv[0]), () -> kv[0] + " in the system header");
        }
        assertEquals(m.size(), out.split("\n").length);
    }
}

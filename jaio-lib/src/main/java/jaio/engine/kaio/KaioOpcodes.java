package jaio.engine.kaio;

import static jaio.engine.OpcodeTable.line;

import java.util.List;
import jaio.Opcode;
import jaio.engine.OpcodeTable;
import jaio.spi.Execution;

/**
 * Immutable: the opcodes of the native AIO engine, one line per family. The capability
 * report's opcode map ({@link KaioCapabilities}) and each engine's dispatch array
 * ({@link KaioSubmitter}) are both made from these lines. To add an opcode: a {@link KaioOp}
 * subclass for its family, and a line here saying how it runs on this machine.
 */
final class KaioOpcodes {
    private KaioOpcodes() {}

    static final OpcodeTable<KaioProbe, KaioSubmitter, KaioOp> TABLE = new OpcodeTable<>(List.of(
            line(KaioTransfer::how, KaioTransfer::new, Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV),
            line(p -> Execution.KERNEL_ASYNC, KaioSync::new, Opcode.FSYNC, Opcode.FDSYNC),
            line(KaioPoll::how, KaioPoll::new, Opcode.POLL),
            line(p -> Execution.INLINE, KaioNoop::new, Opcode.NOOP),
            line(KaioSocket::how, KaioSocket::new, Opcode.ACCEPT, Opcode.CONNECT, Opcode.RECV, Opcode.SEND,
                    Opcode.RECVMSG, Opcode.SENDMSG, Opcode.SENDFILE),
            // Never waits: shutdown(2) and close(2) made at submission.
            line(p -> p.poll() ? Execution.INLINE : null, KaioSocket::new, Opcode.SHUTDOWN, Opcode.CLOSE)));
}

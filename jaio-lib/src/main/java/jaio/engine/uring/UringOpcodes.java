package jaio.engine.uring;

import static jaio.engine.OpcodeTable.line;

import java.util.List;
import jaio.Opcode;
import jaio.engine.OpcodeTable;
import jaio.spi.Execution;

/**
 * Immutable: the opcodes of the io_uring engine, one line per family. The capability report's
 * opcode map ({@link UringCapabilities}) and each engine's dispatch array
 * ({@link UringSubmitter}) are both made from these lines. To add an opcode: a
 * {@link UringOp} subclass for its family, and a line here saying which kernel operations it
 * needs (from {@link UringProbe}) and how it runs.
 */
final class UringOpcodes {
    private UringOpcodes() {}

    /** Always there: the probe refuses a kernel without them (see {@link UringProbe#REQUIRED}). */
    private static Execution required(UringProbe probe) {
        return Execution.KERNEL_ASYNC;
    }

    static final OpcodeTable<UringProbe, UringSubmitter, UringOp> TABLE = new OpcodeTable<>(List.of(
            line(UringOpcodes::required, UringTransfer::new, Opcode.PREAD, Opcode.PWRITE, Opcode.PREADV, Opcode.PWRITEV),
            line(UringOpcodes::required, UringSync::new, Opcode.FSYNC, Opcode.FDSYNC),
            line(UringOpcodes::required, UringNoop::new, Opcode.NOOP),
            line(UringPoll::how, UringPoll::new, Opcode.POLL),
            line(UringTimeout::how, UringTimeout::new, Opcode.TIMEOUT),
            line(UringStream::how, UringStream::new, Opcode.RECV, Opcode.SEND, Opcode.RECVMSG, Opcode.SENDMSG),
            line(UringConnection::how, UringConnection::new, Opcode.ACCEPT, Opcode.CONNECT, Opcode.SHUTDOWN),
            line(UringClose::how, UringClose::new, Opcode.CLOSE),
            line(UringSendfile::how, UringSendfile::new, Opcode.SENDFILE)));
}

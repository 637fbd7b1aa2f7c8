package jaio.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** IoUringSqe.set writes every field where the struct has it, whatever the values' signs and widths. */
class IoUringSqeTest {

    @Test
    void everyFieldReadsBackAndTheRestIsZero() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sqes = a.allocate(IoUringSqe.SIZE * 4, 64);
            for (int round = 0; round < 2000; round++) {
                sqes.fill((byte) 0xA5);
                long base = IoUringSqe.SIZE * rnd.nextInt(4);
                int opcode = rnd.nextInt(256);
                int flags = rnd.nextInt(256);
                int ioprio = round % 3 == 0 ? -1 : rnd.nextInt(65536);
                int fd = round % 5 == 0 ? -1 : rnd.nextInt();
                long off = round % 7 == 0 ? -1L : rnd.nextLong();
                long addr = rnd.nextLong();
                int len = round % 4 == 0 ? -1 : rnd.nextInt();
                int opFlags = rnd.nextInt();
                long userData = rnd.nextLong();
                int bufIndex = round % 6 == 0 ? 0xFFFF : rnd.nextInt(65536);
                IoUringSqe.set(sqes, base, opcode, flags, ioprio, fd, off, addr, len, opFlags, userData, bufIndex);
                assertEquals((byte) opcode, sqes.get(JAVA_BYTE, base + IoUringSqe.OPCODE));
                assertEquals((byte) flags, sqes.get(JAVA_BYTE, base + IoUringSqe.FLAGS));
                assertEquals((short) ioprio, sqes.get(JAVA_SHORT, base + IoUringSqe.IOPRIO));
                assertEquals(fd, sqes.get(JAVA_INT, base + IoUringSqe.FD));
                assertEquals(off, sqes.get(JAVA_LONG, base + IoUringSqe.OFF));
                assertEquals(addr, sqes.get(JAVA_LONG, base + IoUringSqe.ADDR));
                assertEquals(len, sqes.get(JAVA_INT, base + IoUringSqe.LEN));
                assertEquals(opFlags, sqes.get(JAVA_INT, base + IoUringSqe.OP_FLAGS));
                assertEquals(userData, sqes.get(JAVA_LONG, base + IoUringSqe.USER_DATA));
                assertEquals((short) bufIndex, sqes.get(JAVA_SHORT, base + IoUringSqe.BUF_INDEX));
                assertEquals(0, sqes.get(JAVA_SHORT, base + IoUringSqe.PERSONALITY));
                assertEquals(0, sqes.get(JAVA_INT, base + IoUringSqe.FILE_INDEX));
                assertEquals(0L, sqes.get(JAVA_LONG, base + IoUringSqe.ADDR3));
                assertEquals(0L, sqes.get(JAVA_LONG, base + IoUringSqe.PAD2));
                for (long b = 0; b < sqes.byteSize(); b++) {
                    if (b < base || b >= base + IoUringSqe.SIZE) {
                        assertEquals((byte) 0xA5, sqes.get(JAVA_BYTE, b), "byte " + b + " outside the SQE at " + base);
                    }
                }
                IoUringSqe.setSpliceFdIn(sqes, base, fd);
                assertEquals(fd, sqes.get(JAVA_INT, base + IoUringSqe.FILE_INDEX));
                assertEquals(userData, IoUringSqe.userData(sqes, base));
                assertEquals(opcode, IoUringSqe.opcode(sqes, base));
            }
        }
    }
}

package jaio.bench.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jaio.bench.cli.PlanReader;
import org.junit.jupiter.api.Test;

/**
 * Where a time-based job starts its file over, the points at which fio drops the file's page
 * cache again (invalidate=1): after every block of the random map has been read, at the end of
 * a sequential file, and never for random jobs without a map (they never run out of blocks).
 */
class FileLoopTest {
    /** The I/O numbers (1-based) after which the sequence started the file over, for 100 I/Os. */
    private static List<Integer> loops(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--name=j", "--filename=/tmp/jaio-fileloop.dat", "--size=64k",
                "--bs=4k", "--time_based", "--runtime=1"));
        args.addAll(List.of(options));
        Plan plan = PlanReader.read(args.toArray(String[]::new), Map.of()).plan();
        Plan.PlannedJob j = plan.jobs().get(0);
        IoSequence q = new IoSequence(j.spec(), FileLayout.resolve(j.spec(), 0, null), new Seeds(true, null, 1));
        List<Integer> at = new ArrayList<>();
        int[] issued = {0};
        q.onFileLoop(file -> at.add(issued[0]));
        IoSequence.Unit u = new IoSequence.Unit();
        for (int i = 0; i < 100; i++) {
            q.next(u, true);
            issued[0]++;
        }
        return at;
    }

    @Test
    void aRandomJobWithItsMapStartsOverOnceEveryBlockIsRead() throws Exception {
        // 16 blocks: the 17th I/O finds the map full, so the file starts over before it
        assertEquals(List.of(16, 32, 48, 64, 80, 96), loops("--rw=randread", "--norandommap=0"));
    }

    @Test
    void aRandomJobWithoutItsMapNeverStartsOver() throws Exception {
        assertEquals(List.of(), loops("--rw=randread", "--norandommap=1"));
    }

    @Test
    void aSequentialJobStartsOverAtTheEndOfItsFile() throws Exception {
        assertEquals(List.of(16, 32, 48, 64, 80, 96), loops("--rw=read"));
    }
}

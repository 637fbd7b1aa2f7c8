package jaio.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jaio.bench.run.CloneResult;
import jaio.bench.run.RunResult;

/**
 * A run's results as fio reports them: by group, each group's jobs one entry per clone, except
 * that the clones whose job has group_reporting are summed into one entry per group (named
 * after the first), as fio's stat.c does.
 */
public final class Groups {
    /**
     * One reporting group.
     *
     * @param id      fio's groupid
     * @param entries its entries, in plan order
     * @param clones  every clone of the group (what the "Run status" line sums)
     */
    public record Group(int id, List<Entry> entries, List<CloneResult> clones) {}

    private Groups() {}

    public static List<Group> of(RunResult r) {
        Map<Integer, List<CloneResult>> byGroup = new LinkedHashMap<>();
        for (CloneResult c : r.clones()) {
            byGroup.computeIfAbsent(c.unit().job().group(), k -> new ArrayList<>()).add(c);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<Integer, List<CloneResult>> g : byGroup.entrySet()) {
            List<Entry> entries = new ArrayList<>();
            List<CloneResult> summed = new ArrayList<>();
            int summedAt = -1;
            for (CloneResult c : g.getValue()) {
                if (c.unit().spec().groupReporting()) {
                    if (summedAt < 0) {
                        summedAt = entries.size();
                        entries.add(null);
                    }
                    summed.add(c);
                } else {
                    entries.add(Entry.of(List.of(c)));
                }
            }
            if (summedAt >= 0) {
                entries.set(summedAt, Entry.of(summed));
            }
            out.add(new Group(g.getKey(), List.copyOf(entries), List.copyOf(g.getValue())));
        }
        return out;
    }
}

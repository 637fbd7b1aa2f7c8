package jaio.bench.cli;

import java.util.ArrayList;
import java.util.List;
import jaio.bench.plan.BlockSizes;
import jaio.bench.plan.RandomSpec;

/**
 * fio's "value/percent:value/percent" lists (options.c: split_parse_ddir, bssplit_ddir,
 * zone_split_ddir): bssplit entries and zoned distributions, with fio's rules for blank
 * percentages (they share what is left evenly; a 0 counts as blank) and its ordering (bssplit
 * sorted by percent).
 */
final class SplitParser {
    private SplitParser() {}

    /** bssplit for one direction: the entries sorted by percent (stable, as fio's qsort on glibc is). */
    static List<BlockSizes.Split> bssplit(Setting s, String part) throws UsageException {
        List<long[]> raw = entries(s, part, false);
        if (raw.isEmpty()) {
            throw new UsageException(s.message("'" + s.value() + "' has no block sizes"));
        }
        int perc = 0;
        int missing = 0;
        for (long[] e : raw) {
            if (e[1] < 0) {
                missing++;
            } else {
                perc += (int) e[1];
            }
        }
        if (perc > 100) {
            throw new UsageException(s.message("percentages add to more than 100 (" + perc + ")"));
        }
        if (missing > 0) {
            if (missing == 1 && raw.size() == 1) {
                perc = 100;
            }
            for (long[] e : raw) {
                if (e[1] < 0) {
                    e[1] = (100 - perc) / missing;
                }
            }
        }
        List<BlockSizes.Split> out = new ArrayList<>();
        for (long[] e : raw) {
            if (e[0] < 1 || e[0] > (64 << 20)) {
                throw new UsageException(s.message(e[0] + " is out of range 1..64m"));
            }
            out.add(new BlockSizes.Split(e[0], (int) e[1]));
        }
        out.sort((a, b) -> Integer.compare(a.percent(), b.percent()));
        return List.copyOf(out);
    }

    /** A zoned or zoned_abs distribution for one direction. */
    static List<RandomSpec.Zone> zones(Setting s, String part, boolean absolute) throws UsageException {
        List<long[]> raw = entries(s, part, absolute);
        if (raw.isEmpty()) {
            return List.of();
        }
        int perc = 0;
        int sperc = 0;
        int smissing = 0;
        for (long[] e : raw) {
            perc += (int) e[0];
            if (!absolute) {
                if (e[1] < 0) {
                    smissing++;
                } else {
                    sperc += (int) e[1];
                }
            }
        }
        if (perc > 100 || sperc > 100) {
            throw new UsageException(s.message("zone percentages add to more than 100"));
        }
        if (perc < 100) {
            throw new UsageException(s.message("the access percentages add up to " + perc + ", not 100"));
        }
        if (smissing > 0) {
            if (smissing == 1 && raw.size() == 1) {
                sperc = 100;
            }
            for (long[] e : raw) {
                if (e[1] < 0) {
                    e[1] = (100 - sperc) / smissing;
                }
            }
        }
        List<RandomSpec.Zone> out = new ArrayList<>();
        for (long[] e : raw) {
            out.add(absolute ? new RandomSpec.Zone((int) e[0], 0, e[1]) : new RandomSpec.Zone((int) e[0], (int) e[1], 0));
        }
        return List.copyOf(out);
    }

    /**
     * fio's split_parse_ddir: entries until an empty one; each "value[/second]". For percent
     * seconds: more than 100 is 100, 0 or none is blank (-1). For absolute seconds: a size, none is 0.
     */
    private static List<long[]> entries(Setting s, String part, boolean absolute) throws UsageException {
        List<long[]> out = new ArrayList<>();
        for (String e : part.split(":", -1)) {
            if (e.isEmpty()) {
                break;
            }
            int slash = e.indexOf('/');
            String first = slash < 0 ? e : e.substring(0, slash);
            String second = slash < 0 ? null : e.substring(slash + 1);
            long v2;
            if (second == null || second.isEmpty()) {
                v2 = absolute ? 0 : -1;
            } else if (absolute) {
                v2 = Values.size(s.label(), second);
            } else {
                v2 = atoi(second);
                if (v2 > 100) {
                    v2 = 100;
                } else if (v2 == 0) {
                    v2 = -1;
                }
            }
            long v1;
            try {
                v1 = Values.size(s.label(), first);
            } catch (UsageException x) {
                throw new UsageException(s.message("'" + first + "' in '" + s.value() + "' is not a number or size"));
            }
            out.add(new long[] {v1, v2});
            if (out.size() == 64) {
                break;
            }
        }
        return out;
    }

    /** C's atoi: leading digits, 0 when none. */
    private static long atoi(String t) {
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        return i == 0 ? 0 : Long.parseLong(t.substring(0, Math.min(i, 9)));
    }
}

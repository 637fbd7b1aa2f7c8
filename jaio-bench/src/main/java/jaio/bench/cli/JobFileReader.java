package jaio.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads fio job files (the ini format of fio's HOWTO, "Job file format"): {@code [global]} and
 * job sections, {@code key=value} or bare {@code key} lines, comments from {@code ;} or
 * {@code #} to the end of the line, {@code include FILE} inside a section, {@code ${VAR}} from
 * the environment (empty when unset) and fio's {@code $pagesize}, {@code $mb_memory} and
 * {@code $ncpus}. A [global] section sets defaults for the jobs below it, in this file and the
 * next ones. Options are checked against {@link OptionTable}: one jaio does not carry is
 * refused with its file, line and section, or skipped with a warning when asked.
 */
public final class JobFileReader {
    private final Map<String, String> env;
    private final boolean ignoreUnsupported;
    private final List<String> warnings;
    /** What the [global] sections so far said (and the command line before them), in order. */
    private final List<Setting> globals;
    private final List<Section> jobs = new ArrayList<>();

    /**
     * @param env               where ${VAR} come from
     * @param ignoreUnsupported skip options jaio does not carry (with a warning) rather than fail
     * @param warnings          where warnings go
     * @param globals           the global settings so far (the command line's); read files add to it
     */
    public JobFileReader(Map<String, String> env, boolean ignoreUnsupported, List<String> warnings, List<Setting> globals) {
        this.env = env;
        this.ignoreUnsupported = ignoreUnsupported;
        this.warnings = warnings;
        this.globals = globals;
    }

    /** The job sections read so far, in order. */
    public List<Section> jobs() {
        return jobs;
    }

    /**
     * Reads one job file.
     *
     * @param fileIndex 0 for the first file of the command line; later files start with a stonewall
     * @throws UsageException naming the file and line of the first problem
     */
    public void read(Path file, int fileIndex) throws UsageException {
        List<String> lines = lines(file, null, 0);
        String name = file.toString();
        Section current = null;
        boolean inGlobal = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String p = strip(lines.get(i));
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("[")) {
                int close = p.indexOf(']');
                if (close < 2) {
                    throw new UsageException(name + ":" + lineNo + ": '" + p + "' is not a section header ([name])");
                }
                String section = p.substring(1, close).trim();
                inGlobal = section.startsWith("global");
                if (inGlobal) {
                    current = null;
                } else {
                    current = new Section(section, name, lineNo, fileIndex, globals);
                    jobs.add(current);
                }
                continue;
            }
            String sectionName = inGlobal ? "global" : current == null ? null : current.name();
            if (sectionName == null) {
                throw new UsageException(name + ":" + lineNo + ": option '" + p + "' is outside of any [section]");
            }
            List<Setting> into = inGlobal ? globals : current.settings();
            if (p.startsWith("include ") || p.startsWith("include\t")) {
                include(file, p.substring(8).trim(), name, lineNo, sectionName, into, 1);
                continue;
            }
            Setting s = parseLine(p, name, lineNo, sectionName);
            if (s != null) {
                into.add(s);
            }
        }
    }

    private void include(Path including, String target, String name, int lineNo, String section, List<Setting> into,
                         int depth) throws UsageException {
        if (depth > 16) {
            throw new UsageException(name + ":" + lineNo + ": includes nested more than 16 deep");
        }
        Path f = Path.of(target);
        if (!Files.exists(f) && including.getParent() != null) {
            f = including.getParent().resolve(target);
        }
        List<String> lines = lines(f, name, lineNo);
        String fname = f.toString();
        for (int i = 0; i < lines.size(); i++) {
            String p = strip(lines.get(i));
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("[")) {
                throw new UsageException(fname + ":" + (i + 1) + ": an included file may not start sections (included from "
                        + name + ":" + lineNo + ")");
            }
            if (p.startsWith("include ") || p.startsWith("include\t")) {
                include(f, p.substring(8).trim(), fname, i + 1, section, into, depth + 1);
                continue;
            }
            Setting s = parseLine(p, fname, i + 1, section);
            if (s != null) {
                into.add(s);
            }
        }
    }

    private static List<String> lines(Path f, String from, int fromLine) throws UsageException {
        try {
            return Files.readAllLines(f);
        } catch (NoSuchFileException e) {
            throw new UsageException((from == null ? "" : from + ":" + fromLine + ": ") + f + ": no such job file");
        } catch (IOException e) {
            throw new UsageException((from == null ? "" : from + ":" + fromLine + ": ") + f + ": cannot read: " + e.getMessage());
        }
    }

    /** fio's strip_blank_end: everything from the first ';' or '#' is a comment; blanks around are dropped. */
    static String strip(String line) {
        int semi = line.indexOf(';');
        int hash = line.indexOf('#');
        int cut = semi < 0 ? hash : hash < 0 ? semi : Math.min(semi, hash);
        String s = cut < 0 ? line : line.substring(0, cut);
        return s.strip();
    }

    /** One "key=value" or "key" line; null when it is skipped (unsupported, with the warning given). */
    private Setting parseLine(String p, String file, int line, String section) throws UsageException {
        int eq = p.indexOf('=');
        String key = (eq < 0 ? p : p.substring(0, eq)).strip();
        String raw = eq < 0 ? null : p.substring(eq + 1).strip();
        OptionTable.Opt o = OptionTable.find(key);
        String where = file + ":" + line + ": [" + section + "] ";
        if (o == null) {
            String msg = where + key + ": not an option jaio carries";
            if (ignoreUnsupported) {
                warnings.add(msg + "; skipped (--ignore-unsupported)");
                return null;
            }
            throw new UsageException(msg + " (--ignore-unsupported skips it with a warning)");
        }
        if (o.scope() == OptionTable.Scope.RUN) {
            throw new UsageException(where + key + ": a command-line option (--" + o.name() + "), not a job option");
        }
        if (raw == null && !o.bare()) {
            throw new UsageException(where + key + ": needs a value (" + o.label() + ")");
        }
        String value = raw == null ? "1" : expand(raw, where + key);
        return new Setting(o.name(), key, value, file, line, section);
    }

    /** ${VAR} from the environment (empty when unset), and fio's reserved $pagesize, $mb_memory, $ncpus. */
    String expand(String value, String what) throws UsageException {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new UsageException(what + ": '" + value + "' has a ${ without its }");
                }
                String v = env.get(value.substring(i + 2, end));
                b.append(v == null ? "" : v);
                i = end + 1;
                continue;
            }
            if (c == '$') {
                String rest = value.substring(i + 1);
                String kw = rest.startsWith("pagesize") ? "pagesize" : rest.startsWith("mb_memory") ? "mb_memory"
                        : rest.startsWith("ncpus") ? "ncpus" : null;
                if (kw != null) {
                    b.append(reserved(kw));
                    i += 1 + kw.length();
                    continue;
                }
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    private static String reserved(String kw) {
        return switch (kw) {
            case "pagesize" -> "4096";
            case "ncpus" -> Integer.toString(Runtime.getRuntime().availableProcessors());
            default -> {
                long mb = -1;
                try {
                    for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                        if (l.startsWith("MemTotal:")) {
                            mb = Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    mb = Runtime.getRuntime().maxMemory() >> 20;
                }
                yield Long.toString(mb);
            }
        };
    }
}

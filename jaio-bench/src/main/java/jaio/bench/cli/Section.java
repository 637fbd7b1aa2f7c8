package jaio.bench.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One job as read: its name, where it starts, and its settings in order (a later one wins).
 * The settings include what the [global] sections above it said, first, as fio copies the
 * global options into each new job.
 *
 * @param name     the section name
 * @param file     the job file, or null for a job from the command line
 * @param line     where the section starts
 * @param fileIndex which job file (0 the first; a file after the first starts with a stonewall, as in fio)
 * @param settings the settings, globals first
 */
public record Section(String name, String file, int line, int fileIndex, List<Setting> settings) {
    public Section {
        settings = new ArrayList<>(settings);
    }

    /** "file:line: [name]" or "command line: [name]". */
    public String where() {
        return (file == null ? "command line" : file + ":" + line) + ": [" + name + "]";
    }
}

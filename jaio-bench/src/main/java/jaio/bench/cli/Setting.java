package jaio.bench.cli;

/**
 * One option as the user wrote it, with where: a job file line or the command line. Messages
 * about it start with {@link #where()} and name it by {@link #label()}, so they point at the
 * line to fix: {@code "ssd.fio:12: [rand-read] bs: '4q' is not a size ..."} or
 * {@code "--bs: '4q' is not a size ..."}.
 *
 * @param name    the canonical option name (aliases resolved)
 * @param written the name as written
 * @param value   the value after ${VAR} expansion; "1" for a bare switch
 * @param file    the job file, or null for the command line
 * @param line    the line in that file (0 for the command line)
 * @param section the section it is in, or null
 */
public record Setting(String name, String written, String value, String file, int line, String section) {

    /** The option as the user would look for it: "--bs" on the command line, "bs" in a file. */
    public String label() {
        return file == null ? "--" + written : written;
    }

    /** "file:line: [section] " for a file, "" for the command line. */
    public String where() {
        if (file == null) {
            return "";
        }
        return file + ":" + line + ": " + (section == null ? "" : "[" + section + "] ");
    }

    /** A message about this setting: where, label, then the text. */
    public String message(String text) {
        return where() + label() + ": " + text;
    }

    /** A copy with another value (the same place). */
    public Setting withValue(String v) {
        return new Setting(name, written, v, file, line, section);
    }
}

package jaio.bench.cli;

import java.util.List;
import java.util.Locale;

/**
 * Parses option values the way fio reads them: sizes with binary suffixes (k = 1024), times
 * in seconds unless a unit is given, 0/1 switches. Each failure is a {@link UsageException}
 * whose message names the option and what it accepts.
 */
public final class Values {
    private Values() {}

    /** A byte count: "4096", "4k", "1m", "1g", "2t" (fio's kb_base=1024: every suffix is a power of 1024). */
    public static long size(String option, String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        String number = t.substring(0, end);
        int shift = switch (t.substring(end)) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            case "t", "tb", "tib" -> 40;
            default -> -1;
        };
        if (shift < 0 || number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
            throw new UsageException(option + ": '" + text + "' is not a size (bytes, or a number with k, m, g or t; k = 1024)");
        }
        try {
            long n = Long.parseLong(number);
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is too large");
        }
    }

    /** A duration in nanoseconds: "10" (seconds), "500ms", "30s", "2m", "1h", "250us". */
    public static long time(String option, String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        String number = t.substring(0, end);
        long unit = switch (t.substring(end)) {
            case "", "s", "sec" -> 1_000_000_000L;
            case "ms", "msec" -> 1_000_000L;
            case "us", "usec" -> 1_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1;
        };
        if (unit < 0 || number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
            throw new UsageException(option + ": '" + text + "' is not a time (seconds, or a number with us, ms, s, m or h)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(number), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is too long");
        }
    }

    /** A whole number in {@code [min, max]}. */
    public static int integer(String option, String text, int min, int max) throws UsageException {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is not a whole number");
        }
        if (v < min || v > max) {
            throw new UsageException(option + ": " + v + " is out of range " + min + ".." + max);
        }
        return (int) v;
    }

    /** fio's switches: 0 or 1 (true and false are accepted too). */
    public static boolean flag(String option, String text) throws UsageException {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new UsageException(option + ": '" + text + "' is not one of 0, 1");
        };
    }

    /** One of a fixed list of words (case-insensitive); returns its index in {@code allowed}. */
    public static int choice(String option, String text, List<String> allowed) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = allowed.indexOf(t);
        if (i < 0) {
            throw new UsageException(option + ": '" + text + "' is not one of " + String.join(", ", allowed));
        }
        return i;
    }
}

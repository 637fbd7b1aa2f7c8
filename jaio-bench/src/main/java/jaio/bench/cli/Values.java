package jaio.bench.cli;

import java.util.List;
import java.util.Locale;

/**
 * Parses option values the way fio reads them: sizes with binary suffixes (k = 1024) or in
 * hex, times in an option's default unit unless a unit is given, 0/1 switches, percentages,
 * and fio's comma lists per direction ("8k,32k": reads, then writes). Each failure is a
 * {@link UsageException} whose message names the option and what it accepts.
 */
public final class Values {
    public static final long SECONDS = 1_000_000_000L;
    public static final long MICROS = 1_000L;

    private Values() {}

    /** A byte count: "4096", "4k", "1m", "1g", "2t", "0x1000" (fio's kb_base=1024: every suffix is a power of 1024). */
    public static long size(String option, String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) {
            try {
                return Long.parseUnsignedLong(t.substring(2), 16);
            } catch (NumberFormatException e) {
                throw notASize(option, text);
            }
        }
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
            case "p", "pb", "pib" -> 50;
            default -> -1;
        };
        if (shift < 0 || number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
            throw notASize(option, text);
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

    private static UsageException notASize(String option, String text) {
        return new UsageException(option + ": '" + text + "' is not a size (bytes, or a number with k, m, g or t; k = 1024)");
    }

    /** A percentage "N%" (1..100), or -1 when the text is not one. */
    public static int percent(String option, String text) throws UsageException {
        String t = text.trim();
        if (!t.endsWith("%")) {
            return -1;
        }
        int p = integer(option, t.substring(0, t.length() - 1), 1, 100);
        return p;
    }

    /** A duration in nanoseconds: "10" (seconds), "500ms", "30s", "2m", "1h", "250us". */
    public static long time(String option, String text) throws UsageException {
        return time(option, text, SECONDS);
    }

    /** A duration in nanoseconds, a bare number counting in {@code unitNanos} (fio: seconds for runtime, microseconds for thinktime). */
    public static long time(String option, String text, long unitNanos) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        String number = t.substring(0, end);
        long unit = switch (t.substring(end)) {
            case "" -> unitNanos;
            case "s", "sec" -> SECONDS;
            case "ms", "msec" -> 1_000_000L;
            case "us", "usec" -> MICROS;
            case "ns", "nsec" -> 1L;
            case "m", "min" -> 60 * SECONDS;
            case "h" -> 3600 * SECONDS;
            case "d" -> 86400 * SECONDS;
            default -> -1;
        };
        if (unit < 0 || number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
            throw new UsageException(option + ": '" + text + "' is not a time (" + (unitNanos == SECONDS ? "seconds" : "microseconds")
                    + ", or a number with us, ms, s, m or h)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(number), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is too long");
        }
    }

    /** A whole number in {@code [min, max]} (decimal, or hex with 0x). */
    public static int integer(String option, String text, int min, int max) throws UsageException {
        long v = longValue(option, text);
        if (v < min || v > max) {
            throw new UsageException(option + ": " + v + " is out of range " + min + ".." + max);
        }
        return (int) v;
    }

    /** A whole number, decimal or hex with 0x (unsigned 64-bit for hex). */
    public static long longValue(String option, String text) throws UsageException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is not a whole number");
        }
    }

    /** A decimal number. */
    public static double decimal(String option, String text) throws UsageException {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": '" + text + "' is not a number");
        }
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

    /**
     * fio's per-direction list: "a" applies to reads and writes, "a,b" is reads then writes,
     * an empty part keeps the default, and a trailing comma ends the list ("8k,32k," sets no
     * trim value; trims are not run, so a third part is only checked for form).
     *
     * @return two parts (read, write), null where the default stays
     */
    public static String[] perDirection(String text) {
        String[] parts = text.split(",", -1);
        String[] out = new String[2];
        if (parts.length == 1) {
            out[0] = parts[0];
            out[1] = parts[0];
        } else {
            out[0] = parts[0];
            out[1] = parts[1];
        }
        for (int i = 0; i < 2; i++) {
            if (out[i] != null && out[i].trim().isEmpty()) {
                out[i] = null;
            }
        }
        return out;
    }
}

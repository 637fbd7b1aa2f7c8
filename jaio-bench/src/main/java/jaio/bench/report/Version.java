package jaio.bench.report;

/** The tool's version, from the jar manifest when packaged, else "dev"; and the fio whose formats it writes. */
public final class Version {
    /** The fio release whose output formats and I/O sequences jaio follows. */
    public static final String FIO = "3.33";

    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}

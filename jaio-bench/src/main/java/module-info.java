/**
 * jaio-bench: the fio-like benchmark tool ({@code ./jaio bench}, {@code ./jaio engines}) and
 * the JMH benchmarks ({@code ./jaio jmh}). It sees of jaio only what any user does: the
 * exported package {@code jaio}.
 *
 * <p>{@code ./jaio} runs it on the class path, where this descriptor is ignored; a test of the
 * module runs it on the module path, so that the library's exports are what it is built on.
 * There, native access is granted per module: {@code --enable-native-access=jaio,jaio.bench}
 * (this module links posix_fadvise and getrusage itself, in jaio.bench.run.LinuxCalls).
 */
module jaio.bench {
    requires jaio;
    // The automatic module names of HdrHistogram and jmh-core (their jars have no descriptor
    // and no Automatic-Module-Name, so the names come from the jar file names).
    requires HdrHistogram;
    requires jmh.core;
    requires info.picocli;
    // CPU time and allocated bytes per thread: com.sun.management.ThreadMXBean.
    requires java.management;
    requires jdk.management;

    // An application, not a library: it exports nothing (so Maven's compiler does not warn
    // about requiring the filename-based automatic modules above), and opens to each framework
    // only what it reflects on. Run as a module: java -p ... -m jaio.bench/jaio.bench.Main.

    // JMH's runner instantiates the generated benchmark classes and their @State objects by reflection.
    opens jaio.bench.jmh to jmh.core;
    opens jaio.bench.jmh.jmh_generated to jmh.core;
}

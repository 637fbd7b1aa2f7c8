/**
 * jaio: asynchronous I/O for the JVM on the design of Linux kernel AIO.
 *
 * <p>Capability ids in the code (C2, E4 ...) are those of docs/CAPABILITIES.md.
 *
 * <p>Only {@code jaio} and its facades ({@code jaio.posix}) are exported. Engines, the engine
 * contract and the native bindings stay internal so that they can change without breaking
 * users. The engines are services of the engine contract: the same list is in
 * META-INF/services for the class path.
 */
module jaio {
    // ExtendedOpenOption.DIRECT for the portable engine's FileChannel on O_DIRECT files.
    requires jdk.unsupported;
    // jaio.nio's JFR events and per-context MXBeans (J5).
    requires jdk.jfr;
    requires java.management;

    exports jaio;
    exports jaio.posix;
    exports jaio.nio;

    uses jaio.spi.EngineProvider;

    provides jaio.spi.EngineProvider with
            jaio.engine.uring.IoUringProvider,
            jaio.engine.kaio.KaioProvider,
            jaio.engine.threads.ThreadPoolProvider;
}

/**
 * jaio: asynchronous I/O for the JVM on the design of Linux kernel AIO.
 *
 * <p>Only {@code jaio} is exported. Engines, the engine contract and the native bindings
 * stay internal so that they can change without breaking users.
 */
module jaio {
    // ExtendedOpenOption.DIRECT for the portable engine's FileChannel on O_DIRECT files.
    requires jdk.unsupported;

    exports jaio;
}

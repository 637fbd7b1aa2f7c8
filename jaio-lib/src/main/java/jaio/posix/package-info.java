/**
 * POSIX asynchronous I/O on jaio (SPEC X1-X3): {@link jaio.posix.PosixAio} with the calls of
 * {@code <aio.h>} (aio_read, aio_write, aio_fsync, aio_error, aio_return, aio_suspend,
 * aio_cancel, lio_listio) and FreeBSD's aio_waitcomplete, {@link jaio.posix.Aiocb} for
 * {@code struct aiocb} and {@link jaio.posix.Sigevent} for {@code struct sigevent}.
 *
 * <p>A facade: it uses only the public package {@code jaio}, and runs the same on every
 * engine (io_uring, Linux native AIO, threads).
 */
package jaio.posix;

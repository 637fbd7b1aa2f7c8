package jaio.bench.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jaio.bench.plan.FileLayout;
import jaio.bench.plan.IoSequence;

/**
 * fio's write_iolog (iolog version 3): "fio version 3 iolog", then per file "TIME FILE add" and
 * "TIME FILE open", then each I/O as issued, "TIME FILE read|write|sync|datasync OFFSET LENGTH",
 * then "TIME FILE close"; times in milliseconds from the job's start. Buffered. One job thread.
 */
final class IoLog implements AutoCloseable {
    private final BufferedWriter w;
    private final String[] names;
    private final long start;

    IoLog(Path path, List<FileLayout.PlannedFile> files, long start) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.w = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        this.start = start;
        this.names = new String[files.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = files.get(i).fioName();
        }
        try {
            w.write("fio version 3 iolog\n");
            for (String n : names) {
                w.write("0 " + n + " add\n");
            }
            for (String n : names) {
                w.write("0 " + n + " open\n");
            }
        } catch (IOException e) {
            w.close();
            throw e;
        }
    }

    void issued(long now, int file, int dir, long offset, long len) {
        try {
            w.write(Long.toString((now - start) / 1_000_000));
            w.write(' ');
            w.write(names[file]);
            w.write(switch (dir) {
                case IoSequence.READ -> " read ";
                case IoSequence.WRITE -> " write ";
                case IoSequence.SYNC -> " sync ";
                default -> " datasync ";
            });
            w.write(Long.toString(offset));
            w.write(' ');
            w.write(Long.toString(len));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            long t = (System.nanoTime() - start) / 1_000_000;
            for (String n : names) {
                w.write(t + " " + n + " close\n");
            }
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

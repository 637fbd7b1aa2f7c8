package jaio.bench.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one clone and the region of each it covers, worked out as fio's
 * {@code setup_files} and {@code get_start_offset} do: names made up from filename_format
 * when none is given, the size split evenly over the files (the first ones a block larger
 * when it does not divide), a percentage size taken of each file, offset plus
 * offset_increment times the clone's number, and the job's total size capped at what the
 * files hold.
 */
public final class FileLayout {
    /**
     * One file of a clone.
     *
     * @param path     the file
     * @param realSize its size once laid out (fio's real_file_size)
     * @param offset   where the region starts (fio's file_offset)
     * @param ioSize   bytes of the region (fio's io_size)
     */
    public record PlannedFile(Path path, long realSize, long offset, long ioSize) {
        /** fio's file name as it appears in its logs and seeds. */
        public String fioName() {
            return path.toString();
        }
    }

    private final List<PlannedFile> files;
    private final long size;

    private FileLayout(List<PlannedFile> files, long size) {
        this.files = files;
        this.size = size;
    }

    /** The clone's files, in fio's order (round robin goes through them in this order). */
    public List<PlannedFile> files() {
        return files;
    }

    /** The job's size once resolved (fio's o->size after setup_files): the byte budget of one pass. */
    public long size() {
        return size;
    }

    /** The names a clone's files get, before anything is looked at on disk. */
    public static List<Path> names(JobSpec job, int subjob) {
        FileSpec f = job.files();
        List<String> raw = new ArrayList<>();
        if (!f.names().isEmpty()) {
            raw.addAll(f.names());
        } else {
            for (int i = 0; i < f.nrfiles(); i++) {
                raw.add(format(f.filenameFormat(), f.jobName(), subjob, i));
            }
        }
        List<Path> out = new ArrayList<>();
        String dir = directory(f.directory(), subjob);
        for (String n : raw) {
            out.add(dir == null ? Path.of(n) : Path.of(dir + "/" + n));
        }
        return out;
    }

    /** fio's set_name_idx: with "a:b" directories, clone n uses directory n modulo their count. */
    private static String directory(String directory, int subjob) {
        if (directory == null || directory.isEmpty()) {
            return null;
        }
        String[] dirs = directory.split(":");
        return dirs[subjob % dirs.length];
    }

    /** fio's make_filename: $jobname, $jobnum and $filenum replaced (case-insensitively); $clientuid is "0". */
    static String format(String fmt, String jobname, int jobnum, int filenum) {
        String s = fmt;
        s = replaceIgnoreCase(s, "$jobname", jobname);
        s = replaceIgnoreCase(s, "$jobnum", Integer.toString(jobnum));
        s = replaceIgnoreCase(s, "$filenum", Integer.toString(filenum));
        s = replaceIgnoreCase(s, "$clientuid", "0");
        return s;
    }

    private static String replaceIgnoreCase(String s, String key, String value) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        int at;
        while ((at = lower.indexOf(key, from)) >= 0) {
            b.append(s, from, at).append(value);
            from = at + key.length();
        }
        return b.append(s.substring(from)).toString();
    }

    /**
     * Resolves the clone's files against what is on disk now.
     *
     * @param fileSizeDraws fio's file_size_state stream, for a filesize range (may be null otherwise)
     * @throws IllegalArgumentException with fio's reason when the job cannot have a region
     *         ("you need to specify size=", an offset past the end, a size below the block size)
     */
    public static FileLayout resolve(JobSpec job, int subjob, FioRandom fileSizeDraws) throws IOException {
        List<Path> paths = names(job, subjob);
        long[] real = new long[paths.size()];
        for (int i = 0; i < real.length; i++) {
            Path p = paths.get(i);
            real[i] = Files.isRegularFile(p) ? Files.size(p) : 0;
        }
        return resolve(job, subjob, paths, real, fileSizeDraws);
    }

    /** {@link #resolve(JobSpec, int, FioRandom)} with the files' current sizes given (0 for a missing file). */
    public static FileLayout resolve(JobSpec job, int subjob, List<Path> paths, long[] realSizes, FioRandom fileSizeDraws) {
        FileSpec f = job.files();
        long minBs = job.bs().minOfAll();
        int n = paths.size();
        long total = 0;
        for (long r : realSizes) {
            total += r;
        }
        long size = f.sizePercent() > 0 ? 0 : f.size();
        if (total == 0 && size == 0 && f.fileSizeLow() == 0) {
            throw new IllegalArgumentException("you need to specify size= (the file does not exist yet)");
        }
        long perFile = 0;
        long extra = 0;
        if (f.fileSizeLow() == 0) {
            perFile = size / n;
            if (perFile * n < size) {
                extra = (size - perFile * n) / minBs;
            }
        }
        List<PlannedFile> out = new ArrayList<>();
        long totalIo = 0;
        for (int i = 0; i < n; i++) {
            long realSize = realSizes[i];
            long off = startOffset(f, job, subjob, realSize);
            long io;
            if (f.fileSizeLow() == 0) {
                io = perFile;
                if (extra > 0) {
                    extra--;
                    io += minBs;
                }
                if (io == 0) {
                    if (off > realSize) {
                        throw new IllegalArgumentException("offset " + off + " is past the end of " + paths.get(i)
                                + " (" + realSize + " bytes)");
                    }
                    io = realSize - off;
                }
            } else if (realSize < f.fileSizeLow() || realSize > f.fileSizeHigh()) {
                long fs = f.fileSizeLow() == f.fileSizeHigh() ? f.fileSizeLow() : randomFileSize(f, minBs, fileSizeDraws);
                if (off > fs) {
                    throw new IllegalArgumentException("offset " + off + " is past the end of the file (filesize " + fs + ")");
                }
                io = fs - off;
            } else {
                io = realSize - off;
            }
            if (f.sizePercent() > 0 && f.sizePercent() != 100) {
                long fileSize = io + off;
                io = fileSize * f.sizePercent() / 100;
                if (io > fileSize - off) {
                    io = fileSize - off;
                }
                io -= io % minBs;
            }
            totalIo += io;
            long laidOut = Math.max(realSize, off + io);
            out.add(new PlannedFile(paths.get(i), laidOut, off, io));
        }
        long jobSize = size == 0 || size > totalIo ? totalIo : size;
        if (jobSize < minBs) {
            throw new IllegalArgumentException("the block size (" + minBs + ") is larger than the region (" + jobSize + " bytes)");
        }
        return new FileLayout(List.copyOf(out), jobSize);
    }

    private static long randomFileSize(FileSpec f, long minBs, FioRandom r) {
        long span = f.fileSizeHigh() - f.fileSizeLow();
        long v = f.fileSizeLow() + (long) ((double) span * (FioRandom.unsigned(r.next()) / r.maxPlusOne()));
        return v - v % minBs;
    }

    /** fio's get_start_offset: a percentage offset (or increment) is rounded up to the minimum block size. */
    static long startOffset(FileSpec f, JobSpec job, int subjob, long realSize) {
        boolean align = false;
        long increment;
        if (f.incrementPercent() > 0) {
            increment = f.incrementPercent() * realSize / 100;
            align = true;
        } else {
            increment = f.increment();
        }
        long off;
        if (f.offsetPercent() > 0) {
            off = realSize * f.offsetPercent() / 100 + subjob * increment;
            align = true;
        } else {
            off = f.offset() + subjob * increment;
        }
        if (align) {
            long a = job.bs().minOfAll();
            off = (off / a + (off % a != 0 ? 1 : 0)) * a;
        }
        return off;
    }
}

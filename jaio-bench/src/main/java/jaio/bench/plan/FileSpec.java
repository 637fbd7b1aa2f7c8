package jaio.bench.plan;

import java.util.List;

/**
 * Which files a job uses and which part of them (fio's filename, directory, nrfiles,
 * filename_format, size, filesize, offset, offset_increment, io_size). Sizes may be percentages
 * of the existing file, as in fio; they are resolved against the files when the job starts
 * ({@link FileLayout}).
 *
 * @param names           explicit file names (fio's filename, ':'-separated), or empty to make them up
 * @param directory       where made-up (and relative) names live, or null for the working folder
 * @param nrfiles         files per clone when names are made up
 * @param filenameFormat  fio's filename_format ($jobname, $jobnum, $filenum, $clientuid)
 * @param size            bytes of I/O region in all the clone's files, or 0 for the files' size
 * @param sizePercent     size as a percent of each file (0 when not a percentage)
 * @param fileSizeLow     fio's filesize (low end of a range), 0 when not given
 * @param fileSizeHigh    high end of the filesize range
 * @param offset          start of the region in each file
 * @param offsetPercent   offset as a percent of the file (0 when not a percentage)
 * @param increment       fio's offset_increment: clone n starts n times this further
 * @param incrementPercent offset_increment as a percent of the file
 * @param ioSize          bytes to transfer in all (fio's io_size), 0 for size
 * @param defaultFile     the tool's own default file (a command line without filename)
 * @param jobName         the name made-up file names use: the section's, even when a name= option renames the job (as in fio)
 */
public record FileSpec(List<String> names, String directory, int nrfiles, String filenameFormat, long size,
                       int sizePercent, long fileSizeLow, long fileSizeHigh, long offset, int offsetPercent,
                       long increment, int incrementPercent, long ioSize, boolean defaultFile, String jobName) {

    /** fio's default filename_format. */
    public static final String DEFAULT_FORMAT = "$jobname.$jobnum.$filenum";
}

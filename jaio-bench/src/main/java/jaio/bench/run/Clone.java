package jaio.bench.run;

import jaio.bench.plan.FileLayout;
import jaio.bench.plan.IoSequence;
import jaio.bench.plan.JobSpec;
import jaio.bench.plan.Plan;
import jaio.bench.plan.Seeds;

/**
 * One clone of a job as it runs: which job, which clone (fio's thread number and subjob
 * number), its files and its I/O sequence.
 *
 * @param job    the planned job
 * @param index  0 for the job itself, then its clones in order
 * @param layout its files, resolved
 * @param seeds  its random seeds
 */
public record Clone(Plan.PlannedJob job, int index, FileLayout layout, Seeds seeds) {
    public JobSpec spec() {
        return job.spec();
    }

    /** fio's thread number (1, 2, ... over the whole plan). */
    public int thread() {
        return job.thread(index);
    }

    /** fio's subjob number ($jobnum). */
    public int subjob() {
        return job.subjob(index);
    }

    /**
     * A fresh sequence of this clone's I/Os. With invalidate=1 on a buffered job, each time the
     * sequence starts a file over the file's page cache is dropped again, as fio does.
     */
    public IoSequence sequence() {
        IoSequence s = new IoSequence(spec(), layout, seeds);
        if (spec().invalidate() && !spec().direct()) {
            s.onFileLoop(i -> DataFile.invalidate(layout.files().get(i).path()));
        }
        return s;
    }

    /** "name" for the job itself, "name.N" for its clones (thread names). */
    public String label() {
        return index == 0 ? spec().name() : spec().name() + "." + index;
    }
}

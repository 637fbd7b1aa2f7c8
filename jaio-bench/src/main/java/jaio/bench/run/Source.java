package jaio.bench.run;

import jaio.bench.plan.IoSequence;

/** Where a job loop takes its next I/O from: the job's sequence, or blocks to read back. */
interface Source {
    /**
     * Fills {@code u} with the next I/O.
     *
     * @return false when there is none (now, or ever for a finished source)
     */
    boolean next(IoSequence.Unit u, long now);

    /** The blocks of a {@link WrittenBlocks}, file by file, as reads. */
    static Source readBack(WrittenBlocks w) {
        return new Source() {
            private int file;
            private int unit;

            @Override
            public boolean next(IoSequence.Unit u, long now) {
                while (file < w.files()) {
                    int at = w.next(file, unit);
                    if (at >= 0) {
                        u.dir = IoSequence.READ;
                        u.file = file;
                        u.offset = w.offsetOf(at);
                        u.length = w.lengthAt(file, at);
                        unit = at + 1;
                        return true;
                    }
                    file++;
                    unit = 0;
                }
                return false;
            }
        };
    }
}

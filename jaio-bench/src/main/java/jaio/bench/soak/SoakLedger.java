package jaio.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Any thread may record; one thread checks a range once nothing in it can change. The soak's
 * book, by user data: one word of bits per request (accepted, event seen, a second event,
 * the event's and the cancel's verdicts, a data mismatch), so that every accepted request
 * is accounted for exactly once and every cancel answer is held against its event.
 */
final class SoakLedger {
    static final int ACCEPTED = 1;
    static final int EVENT = 1 << 1;
    static final int DUPLICATE = 1 << 2;
    static final int EVENT_CANCELED = 1 << 3;
    static final int ANSWER_CANCELED = 1 << 4;
    static final int ANSWER_OTHER = 1 << 5;
    static final int MISMATCH = 1 << 6;
    static final int ERROR = 1 << 7;
    /** The event came while its context was closing (close cancels what is in flight). */
    static final int DURING_CLOSE = 1 << 8;

    /** Words by id modulo their count: each context's range is settled and cleared before the next. */
    private final AtomicIntegerArray words;
    private final int mask;
    final AtomicLong mismatches = new AtomicLong();
    private final List<String> notes = new ArrayList<>();

    long accepted;
    long events;
    long droppedByClose;
    long lost;
    long duplicated;
    long disagreements;
    long errors;
    long cancels;
    long canceled;

    /** {@code span}: the most ids one context uses; rounded up to a power of two. */
    SoakLedger(int span) {
        int n = Integer.highestOneBit(Math.max(span, 1024) - 1) << 1;
        this.words = new AtomicIntegerArray(n);
        this.mask = n - 1;
    }

    /** How many ids one context may use. */
    int span() {
        return words.length();
    }

    void set(long id, int bits) {
        int i = (int) (id & mask);
        int old;
        do {
            old = words.get(i);
        } while (!words.compareAndSet(i, old, old | bits));
    }

    /** Records an event; a second one for the same id is marked DUPLICATE. */
    void event(long id, int bits) {
        int i = (int) (id & mask);
        int old;
        int next;
        do {
            old = words.get(i);
            next = (old & EVENT) != 0 ? old | DUPLICATE : old | EVENT | bits;
        } while (!words.compareAndSet(i, old, next));
    }

    /** A note for the report (the first few violations); any thread. */
    synchronized void note(String s) {
        if (notes.size() < 20) {
            notes.add(s);
        }
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Checks ids {@code [from, to)} of a context that is closed: an accepted request without
     * an event was dropped by the close of a context its caller reaps ({@code dropAllowed}),
     * or is lost.
     */
    void settle(long from, long to, boolean dropAllowed, String engine) {
        for (long id = from; id < to; id++) {
            int w = words.getAndSet((int) (id & mask), 0);
            if ((w & ACCEPTED) == 0) {
                continue;
            }
            accepted++;
            if ((w & (ANSWER_CANCELED | ANSWER_OTHER)) != 0) {
                cancels++;
            }
            if ((w & EVENT) == 0) {
                if (dropAllowed) {
                    droppedByClose++;
                } else {
                    lost++;
                    note(engine + ": request " + id + " was accepted and never got its event");
                }
                continue;
            }
            events++;
            if ((w & DUPLICATE) != 0) {
                duplicated++;
                note(engine + ": request " + id + " got two events");
            }
            boolean evc = (w & EVENT_CANCELED) != 0;
            boolean ansc = (w & ANSWER_CANCELED) != 0;
            if (evc) {
                canceled++;
            }
            boolean answered = (w & (ANSWER_CANCELED | ANSWER_OTHER)) != 0;
            // A request the close cancelled ends with -ECANCELED whatever an earlier cancel said.
            boolean closeCancelled = evc && (w & DURING_CLOSE) != 0 && !ansc;
            if (answered && evc != ansc && !closeCancelled) {
                disagreements++;
                note(engine + ": request " + id + ": cancel answered " + (ansc ? "CANCELED" : "not canceled")
                        + " but the event " + (evc ? "was" : "was not") + " -ECANCELED");
            }
            if (!answered && evc && (w & DURING_CLOSE) == 0) {
                disagreements++;
                note(engine + ": request " + id + " ended -ECANCELED although nobody cancelled it");
            }
            if ((w & ERROR) != 0) {
                errors++;
            }
        }
    }

    boolean clean() {
        return lost == 0 && duplicated == 0 && disagreements == 0 && mismatches.get() == 0 && errors == 0;
    }
}

package jaio.nio;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * The diagnosis mode's report (J5): a submission that blocked the submitting thread, or had
 * the engine hand the request to a worker thread, with the submitter's stack (recorded by
 * JFR), so that the call that is not truly asynchronous can be found.
 */
@Name("jaio.BlockingSubmit")
@Label("jaio Blocking Submission")
@Category({"jaio", "I/O"})
@Description("A jaio submission that blocked its thread or was punted to a worker thread")
final class BlockingSubmitEvent extends Event {
    @Label("Operation")
    String operation;

    @Label("Path")
    String path;

    @Label("Engine")
    String engine;

    @Label("Time in Submit")
    @Timespan(Timespan.NANOSECONDS)
    long submitTime;

    @Label("Punted")
    @Description("Whether the context's punted-to-worker count grew during the submission")
    boolean punted;
}

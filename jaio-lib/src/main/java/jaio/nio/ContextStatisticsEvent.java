package jaio.nio;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** Each monitored context's counters (ContextStats), every second by default (J5). */
@Name("jaio.ContextStatistics")
@Label("jaio Context Statistics")
@Category({"jaio", "I/O"})
@Description("The counters of a jaio completion context")
@Period("1 s")
@StackTrace(false)
final class ContextStatisticsEvent extends Event {
    @Label("Context")
    String context;

    @Label("Engine")
    String engine;

    @Label("Submitted")
    long submitted;

    @Label("Completed")
    long completed;

    @Label("Retries")
    long retries;

    @Label("Punted to Workers")
    long punted;

    @Label("EAGAIN")
    @Description("Submissions refused for lack of room")
    long eagain;

    @Label("Canceled")
    long canceled;

    @Label("Wake-ups")
    long wakeups;

    @Label("Errors")
    long errors;

    @Label("In Flight")
    int inFlight;
}

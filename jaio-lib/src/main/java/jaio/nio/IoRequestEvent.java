package jaio.nio;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.SettingDefinition;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A request of the facades that took longer than the {@code latencyThreshold} setting
 * (default 20 ms; set it in a .jfc file, {@code <setting name="latencyThreshold">5 ms</setting>}),
 * in the style of the JDK's {@code jdk.FileRead}. Committed on the context's reaper, so it
 * carries no stack trace: the path and operation say which call it was.
 */
@Name("jaio.IoRequest")
@Label("jaio I/O Request")
@Category({"jaio", "I/O"})
@Description("A jaio request slower than the latency threshold: time queued in the facade and time in service")
@StackTrace(false)
final class IoRequestEvent extends Event {
    @Label("Operation")
    String operation;

    @Label("Path")
    String path;

    @Label("Bytes Requested")
    @DataAmount
    long bytes;

    @Label("Result")
    @Description("Bytes transferred, or a negative errno")
    long result;

    @Label("Error")
    String error;

    @Label("Engine")
    String engine;

    @Label("Context")
    String context;

    @Label("Queued")
    @Description("From the call to the context accepting the request (time waiting for room)")
    @Timespan(Timespan.NANOSECONDS)
    long queued;

    @Label("Service")
    @Description("From acceptance to the event")
    @Timespan(Timespan.NANOSECONDS)
    long service;

    /** Whole time of the request; what the threshold is compared with. */
    transient long elapsed;

    @Label("Latency Threshold")
    @Name("latencyThreshold")
    @SettingDefinition
    boolean latencyThreshold(LatencyThreshold threshold) {
        return elapsed >= threshold.nanos();
    }
}

package jaio.nio;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jaio.ContextStats;
import jaio.IoContext;
import jdk.jfr.FlightRecorder;

/**
 * Observability of jaio contexts (J5): a JMX MXBean per registered context
 * ({@code jaio:type=IoContext,name=...}, see {@link IoContextMXBean}) and the periodic JFR
 * event {@code jaio.ContextStatistics} with each registered context's counters. The contexts
 * the facades of this package open or are given are registered by themselves; register your
 * own with {@link #register(IoContext)}. A context's MXBean goes away once the context is closed
 * (or collected): at the next periodic event or the next registration.
 *
 * <p>The JFR events of this package: {@code jaio.IoRequest} (a request slower than its
 * {@code latencyThreshold} setting, default 20 ms), {@code jaio.ContextStatistics} (every
 * second by default), and {@code jaio.BlockingSubmit} (the diagnosis mode: run with
 * {@code -Djaio.nio.diagnose=true} to record, with its stack, each submission that blocked
 * its thread for more than {@code -Djaio.nio.diagnose.thresholdMicros} (default 1000) or had
 * the engine punt work to a worker thread). Enable them in a .jfc file or with
 * {@code -XX:StartFlightRecording:settings=<file>}.
 */
public final class JaioMonitoring {
    private static final List<ContextMonitor> MONITORS = new ArrayList<>();
    private static boolean hooked;

    private JaioMonitoring() {}

    /**
     * Registers a context: its MXBean, and its counters in the periodic JFR event. Held
     * weakly: registering never keeps a context alive. Registering twice is harmless.
     *
     * @return the name the MXBean was registered under
     */
    public static ObjectName register(IoContext context) {
        synchronized (MONITORS) {
            for (int i = MONITORS.size() - 1; i >= 0; i--) {
                ContextMonitor m = MONITORS.get(i);
                IoContext c = m.context();
                if (c == context) {
                    return m.objectName;
                }
                if (c == null || !c.isOpen()) {
                    // Gone or closed: dropped here too, so that contexts opened and closed
                    // without a recording running leave nothing behind.
                    MONITORS.remove(i);
                    unregisterBean(m);
                }
            }
            hookPeriodicEvent();
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            try {
                ObjectName name = freeName(server, context.name());
                ContextMonitor m = new ContextMonitor(context, name);
                server.registerMBean(m, name);
                MONITORS.add(m);
                return name;
            } catch (JMException e) {
                throw new IllegalStateException("cannot register the MXBean of " + context, e);
            }
        }
    }

    /** Removes a context's MXBean and its periodic event; false when it was not registered. */
    public static boolean unregister(IoContext context) {
        synchronized (MONITORS) {
            for (int i = 0; i < MONITORS.size(); i++) {
                ContextMonitor m = MONITORS.get(i);
                if (m.context() == context) {
                    MONITORS.remove(i);
                    unregisterBean(m);
                    return true;
                }
            }
            return false;
        }
    }

    private static ObjectName freeName(MBeanServer server, String contextName) throws JMException {
        String base = "jaio:type=IoContext,name=" + ObjectName.quote(contextName);
        ObjectName n = new ObjectName(base);
        for (int i = 2; server.isRegistered(n); i++) {
            n = new ObjectName(base + ",instance=" + i);
        }
        return n;
    }

    private static void unregisterBean(ContextMonitor m) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(m.objectName);
        } catch (JMException gone) {
            // someone unregistered it through the server: nothing left to do
        }
    }

    private static void hookPeriodicEvent() {
        if (!hooked) {
            hooked = true;
            FlightRecorder.addPeriodicEvent(ContextStatisticsEvent.class, JaioMonitoring::emit);
        }
    }

    /** The periodic hook: one event per registered context; a context gone or closed is dropped after its last one. */
    private static void emit() {
        List<ContextMonitor> snapshot;
        synchronized (MONITORS) {
            snapshot = new ArrayList<>(MONITORS);
        }
        for (ContextMonitor m : snapshot) {
            ContextStats s = m.stats();
            ContextStatisticsEvent e = new ContextStatisticsEvent();
            e.context = m.getName();
            e.engine = m.getEngine();
            e.submitted = s.submitted();
            e.completed = s.completed();
            e.retries = s.retries();
            e.punted = s.punted();
            e.eagain = s.eagain();
            e.canceled = s.canceled();
            e.wakeups = s.wakeups();
            e.errors = s.errors();
            e.inFlight = s.inFlight();
            e.commit();
            IoContext c = m.context();
            if (c == null || !c.isOpen()) {
                synchronized (MONITORS) {
                    MONITORS.remove(m);
                }
                unregisterBean(m);
            }
        }
    }
}

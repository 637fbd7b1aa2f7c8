package jaio.bench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jaio.Engine;
import jaio.EngineInfo;

/**
 * {@code ./jaio jmh}: JMH's own command line, except that engines this machine does not allow
 * are left out of the {@code engine} parameter (with a line saying why) instead of failing
 * their trials. Giving {@code -p engine=...} yourself turns this off.
 */
public final class JmhMain {
    private JmhMain() {}

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        boolean chosen = false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals("-p") && i + 1 < a.size() && a.get(i + 1).startsWith("engine=")) {
                chosen = true;
            }
        }
        boolean listing = a.contains("-l") || a.contains("-lp") || a.contains("-h") || a.contains("-lprof") || a.contains("-lrf");
        if (!chosen && !listing) {
            List<String> ok = new ArrayList<>();
            for (Engine e : List.of(Engine.IO_URING, Engine.KAIO, Engine.THREADS)) {
                EngineInfo i = EngineInfo.probe(e);
                if (i.available()) {
                    ok.add(e.shortName());
                } else {
                    System.out.println("jmh: skipping engine " + e.shortName() + ": not available here: " + i.reason());
                }
            }
            a.add("-p");
            a.add("engine=" + String.join(",", ok));
        }
        org.openjdk.jmh.Main.main(a.toArray(new String[0]));
    }
}

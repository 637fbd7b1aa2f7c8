package jaio.bench;

import java.util.Arrays;

/** Entry point of {@code ./jaio bench} and {@code ./jaio engines}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("engines")) {
            System.exit(EnginesReport.print(System.out));
        }
        System.exit(QuickBench.run(Arrays.asList(args)));
    }
}

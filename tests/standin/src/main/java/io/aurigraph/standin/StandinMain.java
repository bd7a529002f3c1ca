package io.aurigraph.standin;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.File;
import java.time.Instant;

/** Entry point: applies the start-up faults that must act before Quarkus opens its ports, then runs Quarkus. */
@QuarkusMain
public class StandinMain {

    /**
     * Fault ignore-sigterm: a hung release that does not react to SIGTERM (the JVM's default handler would run the
     * shutdown hooks and exit 143). Only SIGKILL ends it. SIGQUIT (thread dump) and SIGINT keep their behaviour.
     */
    @SuppressWarnings("removal")
    static void ignoreSigterm() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
            System.out.println(Instant.now() + " WARN  [aurigraph-standin] fault ignore-sigterm: ignoring SIG"
                    + sig.getName() + " (only SIGKILL stops this process)");
            System.out.flush();
        });
        System.out.println(Instant.now() + " WARN  [aurigraph-standin] fault ignore-sigterm: SIGTERM will be ignored");
        System.out.flush();
    }

    public static void main(String... args) {
        ReleaseInfo release = ReleaseInfo.get();
        if (!ReleaseInfo.FAULTS.contains(release.fault)) {
            System.err.println(Instant.now() + " ERROR [aurigraph-standin] unknown fault '" + release.fault
                    + "'; known: " + ReleaseInfo.FAULTS);
            System.exit(2);
        }
        String store = Env.get("AURIGRAPH_STATE_STORE", "file");
        if (!"file".equals(store) && !"memory".equals(store)) {
            System.err.println(Instant.now() + " ERROR [aurigraph-standin] AURIGRAPH_STATE_STORE must be 'file' or 'memory', got '"
                    + store + "'");
            System.exit(2);
        }
        String logFile = Env.get("AURIGRAPH_LOG_FILE");
        if (logFile != null) {
            File f = new File(logFile).getAbsoluteFile();
            File parent = f.getParentFile();
            if (parent != null && !parent.isDirectory() && !parent.mkdirs()) {
                System.err.println(Instant.now() + " ERROR [aurigraph-standin] cannot create log directory " + parent);
                System.exit(1);
            }
            System.setProperty("quarkus.log.file.enable", "true");
            System.setProperty("quarkus.log.file.path", f.getPath());
        }
        if (release.is("slow-start")) {
            long delay = release.faultSeconds(20);
            System.out.println(Instant.now() + " WARN  [aurigraph-standin] fault slow-start: delaying start-up by "
                    + delay + " s (HTTP is not listening yet)");
            System.out.flush();
            try {
                Thread.sleep(delay * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (release.is("ignore-sigterm")) {
            ignoreSigterm();
        }
        Quarkus.run(args);
    }
}

package io.aurigraph.standin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Identity of this artifact: version and failure switch, read from META-INF/aurigraph-standin.properties
 * (written by the Maven build, replaced by release.sh in each release JAR). The environment variables
 * AURIGRAPH_STANDIN_FAULT / AURIGRAPH_STANDIN_FAULT_ARG override the fault (for the stand-in's own tests).
 */
public final class ReleaseInfo {
    public static final String RESOURCE = "META-INF/aurigraph-standin.properties";
    public static final Set<String> FAULTS = Set.of("none", "ready-down", "exit-on-start", "slow-start",
            "wrong-version", "no-token-endpoints", "flaky", "health-quirk",
            "missing-500", "cwd-keystore", "jwt-401", "real-quirks", "ignore-sigterm", "ws-broken");
    /** The real upstream build's quirks, each a fault of its own; "real-quirks" switches all of them on. */
    public static final Set<String> REAL_QUIRKS = Set.of("missing-500", "cwd-keystore", "jwt-401");
    public static final String WRONG_VERSION = "0.0.0-wrong";

    private static volatile ReleaseInfo instance;

    public final String version;
    public final String fault;
    public final String faultArg;
    public final String quarkusVersion;
    public final String buildTimestamp;
    public final String branch;

    private ReleaseInfo(Properties p) {
        this.version = p.getProperty("version", "0.0.0").trim();
        String f = Env.get("AURIGRAPH_STANDIN_FAULT", p.getProperty("fault", "none")).trim().toLowerCase(Locale.ROOT);
        if (f.isEmpty()) {
            f = "none";
        }
        this.fault = f;
        this.faultArg = Env.get("AURIGRAPH_STANDIN_FAULT_ARG", p.getProperty("fault_arg", "")).trim();
        this.quarkusVersion = p.getProperty("quarkus_version", "3.15").trim();
        this.buildTimestamp = p.getProperty("build_timestamp", "2025-11-20T00:00:00Z").trim();
        this.branch = p.getProperty("branch", "main").trim();
    }

    public static ReleaseInfo get() {
        ReleaseInfo r = instance;
        if (r == null) {
            synchronized (ReleaseInfo.class) {
                r = instance;
                if (r == null) {
                    r = load();
                    instance = r;
                }
            }
        }
        return r;
    }

    private static ReleaseInfo load() {
        Properties p = new Properties();
        ClassLoader cl = ReleaseInfo.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return new ReleaseInfo(p);
    }

    public boolean is(String f) {
        return fault.equals(f);
    }

    /** A real-build quirk is on: its own fault, or "real-quirks" (all of them). */
    public boolean quirk(String f) {
        return fault.equals(f) || (fault.equals("real-quirks") && REAL_QUIRKS.contains(f));
    }

    /** fault_arg as seconds, or the default when unset. */
    public long faultSeconds(long def) {
        if (faultArg.isEmpty()) {
            return def;
        }
        try {
            return Long.parseLong(faultArg);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** The version the API reports (differs from the artifact version under the wrong-version fault). */
    public String reportedVersion() {
        return is("wrong-version") ? WRONG_VERSION : version;
    }

    /** Compare dotted numeric versions (non-numeric suffixes ignored): negative, zero, positive. */
    public static int compareVersions(String a, String b) {
        String[] pa = a.split("[.\\-]");
        String[] pb = b.split("[.\\-]");
        for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
            long x = i < pa.length ? num(pa[i]) : 0;
            long y = i < pb.length ? num(pb[i]) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }

    private static long num(String s) {
        StringBuilder d = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isDigit(c)) {
                d.append(c);
            } else {
                break;
            }
        }
        return d.length() == 0 ? 0 : Long.parseLong(d.toString());
    }
}

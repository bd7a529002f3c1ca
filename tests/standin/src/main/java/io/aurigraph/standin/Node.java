package io.aurigraph.standin;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;

/** Process-wide facts (start time, node id, data dir, ports) and the start-up / shutdown sequence. */
@ApplicationScoped
@RegisterForReflection
public class Node {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin");

    @Inject
    GrpcListener grpc;

    private final Instant startTime = Instant.now();
    private final long startNanos = System.nanoTime();
    private final ReleaseInfo release = ReleaseInfo.get();
    private volatile Path dataDir;
    private volatile String nodeId;
    private volatile int httpPort;
    private volatile int grpcPort;

    void onStart(@Observes @Priority(1) StartupEvent ev) {
        httpPort = Integer.parseInt(Env.quarkus("quarkus.http.port", "9000"));
        grpcPort = Integer.parseInt(Env.quarkus("quarkus.grpc.server.port", "9001"));
        nodeId = Env.get("AURIGRAPH_NODE_ID", hostname());
        String profile = Env.quarkus("quarkus.profile", "prod");
        LOG.infof("Aurigraph V11 stand-in %s starting (fault=%s%s, profile=%s, node=%s, http=%d, grpc=%d)",
                release.version, release.fault, release.faultArg.isEmpty() ? "" : " arg=" + release.faultArg,
                profile, nodeId, httpPort, grpcPort);
        if (release.is("exit-on-start")) {
            LOG.error("FATAL: fault exit-on-start: simulated start-up failure (configuration could not be loaded); exiting with status 1");
            throw new IllegalStateException("fault exit-on-start: simulated start-up failure");
        }
        dataDir = Paths.get(Env.get("AURIGRAPH_DATA_DIR", "/var/lib/aurigraph")).toAbsolutePath();
        try {
            Files.createDirectories(dataDir.resolve("standin"));
        } catch (IOException e) {
            LOG.errorf("FATAL: cannot create data directory %s (%s); set AURIGRAPH_DATA_DIR to a writable directory",
                    dataDir, e);
            throw new IllegalStateException("data directory " + dataDir + " is not writable", e);
        }
        if (!Files.isWritable(dataDir.resolve("standin"))) {
            LOG.errorf("FATAL: data directory %s is not writable; set AURIGRAPH_DATA_DIR to a writable directory", dataDir);
            throw new IllegalStateException("data directory " + dataDir + " is not writable");
        }
        grpc.start(grpcPort);
    }

    void onStop(@Observes ShutdownEvent ev) {
        LOG.info("Aurigraph V11 stand-in stopping (graceful shutdown)");
        grpc.stop();
    }

    private static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "aurigraph-node";
        }
    }

    public Instant startTime() {
        return startTime;
    }

    public long uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    public double uptimeSecondsExact() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path stateDir() {
        return dataDir.resolve("standin");
    }

    public String nodeId() {
        return nodeId;
    }

    public int httpPort() {
        return httpPort;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public ReleaseInfo release() {
        return release;
    }

    /** True during the first fault_arg seconds after start under the flaky fault. */
    public boolean inFlakyWindow() {
        return release.is("flaky") && uptimeSecondsExact() < release.faultSeconds(10);
    }
}

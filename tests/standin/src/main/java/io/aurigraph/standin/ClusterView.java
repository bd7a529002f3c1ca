package io.aurigraph.standin;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A small, honest model of a HyperRAFT++ cluster for fleet tests, switched on by AURIGRAPH_CLUSTER_DIR (a
 * directory shared by every node, e.g. a volume mounted into each test node) and AURIGRAPH_CLUSTER_NODES (the
 * member node ids, comma-separated; this node's AURIGRAPH_NODE_ID must be one of them).
 *
 * <p>Each node writes a heartbeat file every 250 ms; a member is live while its heartbeat is younger than
 * AURIGRAPH_CLUSTER_STALE_MS (default 3000). The leader and the term live in the file {@code leader}
 * ("term id"), changed only under a file lock. A leader exists only while a majority of the members is live;
 * when the leader is gone (stopped, or its heartbeat stale) and a majority is live, the live member with the
 * smallest id becomes leader with term + 1. A leader that stops gracefully hands over at once (term + 1).
 * A node that stops gracefully removes its heartbeat, so the others see it gone immediately.
 */
@ApplicationScoped
public class ClusterView {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin");
    private static final long BEAT_MS = 250;
    private static volatile ClusterView active;

    @Inject
    Node node;

    private volatile Path dir;
    private volatile List<String> members = List.of();
    private volatile long staleMs = 3000;
    private ScheduledExecutorService timer;

    /** The running cluster view, or null when the node runs stand-alone. */
    public static ClusterView active() {
        return active;
    }

    void onStart(@Observes @Priority(5) StartupEvent ev) {
        String d = Env.get("AURIGRAPH_CLUSTER_DIR");
        String m = Env.get("AURIGRAPH_CLUSTER_NODES");
        if (d == null || d.isBlank() || m == null || m.isBlank()) {
            return;
        }
        members = Arrays.stream(m.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().sorted().toList();
        if (!members.contains(node.nodeId())) {
            LOG.errorf("FATAL: AURIGRAPH_NODE_ID %s is not one of AURIGRAPH_CLUSTER_NODES %s", node.nodeId(), members);
            throw new IllegalStateException("node id " + node.nodeId() + " is not a cluster member");
        }
        staleMs = Env.getLong("AURIGRAPH_CLUSTER_STALE_MS", 3000);
        dir = Paths.get(d);
        try {
            Files.createDirectories(dir);
            beat();
        } catch (IOException e) {
            LOG.errorf("FATAL: cannot write to the cluster directory %s (%s)", dir, e);
            throw new IllegalStateException("cluster directory " + dir + " is not writable", e);
        }
        active = this;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, 0, BEAT_MS, TimeUnit.MILLISECONDS);
        LOG.infof("cluster member %s of %s (directory %s)", node.nodeId(), members, dir);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (active != this) {
            return;
        }
        timer.shutdownNow();
        active = null;
        try {
            Files.deleteIfExists(heartbeat(node.nodeId()));
            withLock(() -> {
                String[] lead = readLeader();
                if (node.nodeId().equals(lead[1])) {
                    List<String> others = live();
                    others.remove(node.nodeId());
                    long term = Long.parseLong(lead[0]);
                    if (others.size() >= majority()) {
                        writeLeader(term + 1, others.get(0));
                        LOG.infof("leader %s steps down: hands over to %s (term %d)", node.nodeId(), others.get(0), term + 1);
                    } else {
                        writeLeader(term, "-");
                        LOG.infof("leader %s steps down: no majority left", node.nodeId());
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cluster: could not leave cleanly (%s)", e);
        }
    }

    private void tick() {
        try {
            beat();
            String[] lead = readLeader();
            if (!leaderValid(lead[1], live())) {
                withLock(this::elect);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cluster: heartbeat failed (%s)", e);
        }
    }

    /** Under the lock: re-read, and elect the smallest live member when the leader is gone and a majority lives. */
    private void elect() throws IOException {
        String[] lead = readLeader();
        List<String> live = live();
        if (leaderValid(lead[1], live) || live.size() < majority()) {
            return;
        }
        long term = Long.parseLong(lead[0]) + 1;
        writeLeader(term, live.get(0));
        LOG.infof("cluster: %s elected leader (term %d, live %s)", live.get(0), term, live);
    }

    private boolean leaderValid(String leader, List<String> live) {
        return !"-".equals(leader) && live.contains(leader) && live.size() >= majority();
    }

    public int majority() {
        return members.size() / 2 + 1;
    }

    public int clusterSize() {
        return members.size();
    }

    /** Live members, sorted by id. */
    public List<String> live() {
        long now = System.currentTimeMillis();
        List<String> live = new ArrayList<>();
        for (String id : members) {
            try {
                long t = Long.parseLong(Files.readString(heartbeat(id), StandardCharsets.UTF_8).trim());
                if (now - t < staleMs) {
                    live.add(id);
                }
            } catch (IOException | NumberFormatException e) {
                // no heartbeat (never started, stopped) or half-written: not live
            }
        }
        return live;
    }

    public long term() {
        try {
            return Long.parseLong(readLeader()[0]);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The leader's id while the cluster has one (leader live and a majority live), else null. */
    public String leaderId() {
        try {
            String leader = readLeader()[1];
            return leaderValid(leader, live()) ? leader : null;
        } catch (IOException e) {
            return null;
        }
    }

    public String state() {
        String leader = leaderId();
        if (leader == null) {
            return "CANDIDATE";
        }
        return leader.equals(node.nodeId()) ? "LEADER" : "FOLLOWER";
    }

    private Path heartbeat(String id) {
        return dir.resolve("hb-" + id);
    }

    private void beat() throws IOException {
        write(heartbeat(node.nodeId()), Long.toString(System.currentTimeMillis()));
    }

    private String[] readLeader() throws IOException {
        Path f = dir.resolve("leader");
        if (!Files.exists(f)) {
            return new String[] {"0", "-"};
        }
        String[] parts = Files.readString(f, StandardCharsets.UTF_8).trim().split("\\s+");
        return parts.length == 2 ? parts : new String[] {"0", "-"};
    }

    private void writeLeader(long term, String id) throws IOException {
        write(dir.resolve("leader"), term + " " + id);
    }

    private void write(Path target, String text) throws IOException {
        Path tmp = dir.resolve("." + target.getFileName() + "." + node.nodeId() + ".tmp");
        Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private interface LockedAction {
        void run() throws IOException;
    }

    private void withLock(LockedAction action) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("election.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            action.run();
        }
    }
}

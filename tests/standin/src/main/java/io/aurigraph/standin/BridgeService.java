package io.aurigraph.standin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Bridge transfers: deterministic seed data, retry with the allowed state moves, and the progress of a
 * retried transfer (PENDING -> EXECUTING -> COMPLETED, or back to FAILED for PERMANENT_FAILURE seeds).
 * Persisted in AURIGRAPH_DATA_DIR/standin/transfers.json.
 */
@ApplicationScoped
public class BridgeService {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin.bridge");
    public static final Map<String, String[]> BRIDGES = new LinkedHashMap<>();

    static {
        BRIDGES.put("bridge-eth-001", new String[] {"ethereum", "aurigraph", "USDC", "LOCK_AND_MINT", "1250.0"});
        BRIDGES.put("bridge-bsc-001", new String[] {"bsc", "aurigraph", "BNB", "LOCK_AND_MINT", "850.0"});
        BRIDGES.put("bridge-polygon-001", new String[] {"polygon", "aurigraph", "MATIC", "BURN_AND_RELEASE", "620.0"});
    }

    /** Seed pattern of the regular (non-stuck) transfers; the first 8 cover every category once. */
    private static final String[] PATTERN = {"completed", "failed", "doomed", "cancelled", "pending", "signed", "approved",
        "executing", "completed", "completed", "failed", "completed", "pending", "completed", "executing", "completed",
        "cancelled", "completed", "signed", "completed", "approved", "completed", "failed", "completed", "doomed"};

    @Inject
    Node node;

    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    private final long stuckSeconds = Env.getLong("AURIGRAPH_STUCK_SECONDS", 3600);
    private final double settleSeconds = Double.parseDouble(Env.get("AURIGRAPH_BRIDGE_SETTLE_SECONDS", "2"));
    private Path file;
    private ScheduledExecutorService ticker;
    private volatile Consumer<Transfer> onSettled = t -> { };

    void onStart(@Observes @Priority(30) StartupEvent ev) {
        file = node.stateDir().resolve("transfers.json");
        List<Transfer> stored = StateFile.read(file, new TypeReference<List<Transfer>>() { });
        if (stored == null) {
            stored = seed(Instant.now(), (int) Env.getLong("AURIGRAPH_SEED_TRANSFERS", 50),
                    (int) Env.getLong("AURIGRAPH_SEED_STUCK", 5));
            StateFile.write(file, stored);
            LOG.infof("Seeded %d bridge transfers into %s", stored.size(), file);
        }
        synchronized (this) {
            for (Transfer t : stored) {
                transfers.put(t.transferId, t);
            }
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bridge-settler");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    public void onSettled(Consumer<Transfer> c) {
        onSettled = c;
    }

    private static String hex(String seed) {
        return "0x" + Seeds.sha256(seed);
    }

    static List<Transfer> seed(Instant now, int regular, int stuck) {
        List<Transfer> out = new ArrayList<>();
        List<String> bridges = new ArrayList<>(BRIDGES.keySet());
        Map<String, Integer> counters = new LinkedHashMap<>();
        for (int i = 0; i < regular; i++) {
            String cat = PATTERN[i % PATTERN.length];
            int n = counters.merge(cat, 1, Integer::sum);
            Transfer t = base(String.format("tx-%s-%04d", cat, n), bridges.get(i % bridges.size()), i);
            Instant created;
            switch (cat) {
                case "completed":
                    created = now.minus(Duration.ofHours(2 + i));
                    t.status = "COMPLETED";
                    t.updatedAt = created.plusSeconds(90).toString();
                    t.completedAt = t.updatedAt;
                    t.targetTransactionHash = hex("target-" + t.transferId);
                    break;
                case "failed":
                    created = now.minus(Duration.ofHours(3 + i));
                    t.status = "FAILED";
                    t.errorCode = "TARGET_CHAIN_TIMEOUT";
                    t.errorDetails = "Target chain confirmation timed out after 600 s";
                    t.updatedAt = created.plusSeconds(600).toString();
                    break;
                case "doomed":
                    created = now.minus(Duration.ofHours(4 + i));
                    t.status = "FAILED";
                    t.errorCode = "PERMANENT_FAILURE";
                    t.errorDetails = "Target contract rejected the transfer (insufficient liquidity)";
                    t.permanentFailure = true;
                    t.updatedAt = created.plusSeconds(120).toString();
                    break;
                case "cancelled":
                    created = now.minus(Duration.ofHours(5 + i));
                    t.status = "CANCELLED";
                    t.errorDetails = "Cancelled by the sender";
                    t.updatedAt = created.plusSeconds(300).toString();
                    break;
                default:
                    // recent in-flight transfer: younger than the stuck threshold at seeding time
                    created = now.minusSeconds(60L + (i % 20) * 60L);
                    t.status = cat.toUpperCase(Locale.ROOT);
                    t.updatedAt = created.plusSeconds(30).toString();
                    break;
            }
            t.createdAt = created.toString();
            out.add(t);
        }
        String[] inflight = {"PENDING", "SIGNED", "APPROVED", "EXECUTING"};
        for (int i = 0; i < stuck; i++) {
            Transfer t = base(String.format("tx-stuck-%04d", i + 1), bridges.get(i % bridges.size()), regular + i);
            Instant created = now.minus(Duration.ofMinutes(120 + 7L * (i % 500)));
            t.status = inflight[i % inflight.length];
            t.createdAt = created.toString();
            t.updatedAt = created.plusSeconds(300).toString();
            out.add(t);
        }
        return out;
    }

    private static Transfer base(String id, String bridgeId, int i) {
        String[] b = BRIDGES.get(bridgeId);
        Transfer t = new Transfer();
        t.transferId = id;
        t.bridgeId = bridgeId;
        t.fromChain = b[0];
        t.toChain = b[1];
        t.tokenSymbol = b[2];
        t.amount = String.format(Locale.ROOT, "%d.%02d", 10 + (i * 37) % 5000, (i * 13) % 100);
        t.sourceAddress = "0x" + Seeds.sha256("from-" + id).substring(0, 40);
        t.targetAddress = "aur1" + Seeds.sha256("to-" + id).substring(0, 38);
        t.sourceTransactionHash = hex("source-" + id);
        return t;
    }

    private void persist() {
        StateFile.write(file, new ArrayList<>(transfers.values()));
    }

    private void tick() {
        List<Transfer> settled = new ArrayList<>();
        synchronized (this) {
            Instant now = Instant.now();
            boolean changed = false;
            for (Transfer t : transfers.values()) {
                if (t.retryRequestedAt == null) {
                    continue;
                }
                double elapsed = Duration.between(Instant.parse(t.retryRequestedAt), now).toMillis() / 1000.0;
                if (elapsed >= settleSeconds) {
                    t.updatedAt = now.toString();
                    t.retryRequestedAt = null;
                    if (t.permanentFailure) {
                        t.status = "FAILED";
                        t.errorCode = "PERMANENT_FAILURE";
                        t.errorDetails = "Target contract rejected the transfer again (permanent failure)";
                    } else {
                        t.status = "COMPLETED";
                        t.completedAt = now.toString();
                        t.errorCode = null;
                        t.errorDetails = null;
                        t.targetTransactionHash = hex("target-" + t.transferId + "-" + t.retryCount);
                    }
                    settled.add(t);
                    changed = true;
                } else if (elapsed >= settleSeconds / 2 && "PENDING".equals(t.status)) {
                    t.status = "EXECUTING";
                    t.updatedAt = now.toString();
                    changed = true;
                }
            }
            if (changed) {
                persist();
            }
        }
        for (Transfer t : settled) {
            LOG.infof("Transfer %s settled: %s", t.transferId, t.status);
            onSettled.accept(t);
        }
    }

    // ---------------------------------------------------------------- queries

    public synchronized Transfer get(String id) {
        return transfers.get(id);
    }

    public synchronized List<Transfer> all() {
        return new ArrayList<>(transfers.values());
    }

    public boolean isStuck(Transfer t, Instant now) {
        return t.inFlight() && t.retryRequestedAt == null && t.secondsSinceUpdate(now) > stuckSeconds;
    }

    public synchronized Map<String, Object> list(String status, String bridgeId, int offset, int limit) {
        List<Transfer> l = new ArrayList<>();
        for (Transfer t : transfers.values()) {
            if ((status == null || status.equals(t.status)) && (bridgeId == null || bridgeId.equals(t.bridgeId))) {
                l.add(t);
            }
        }
        l.sort(Comparator.comparing((Transfer t) -> t.createdAt).thenComparing(t -> t.transferId));
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = offset; i < Math.min(l.size(), offset + limit); i++) {
            page.add(l.get(i).view());
        }
        return Json.obj("totalTransfers", l.size(), "offset", offset, "limit", limit, "transfers", page);
    }

    public synchronized Map<String, Object> bridgeStatus(String bridgeId) {
        String[] b = BRIDGES.get(bridgeId);
        Instant now = Instant.now();
        int completed = 0;
        int failed = 0;
        int pending = 0;
        int stuck = 0;
        String last = null;
        for (Transfer t : transfers.values()) {
            if (!bridgeId.equals(t.bridgeId)) {
                continue;
            }
            if ("COMPLETED".equals(t.status)) {
                completed++;
            } else if ("FAILED".equals(t.status)) {
                failed++;
            } else if (t.inFlight()) {
                pending++;
                if (isStuck(t, now)) {
                    stuck++;
                }
            }
            if (last == null || t.updatedAt.compareTo(last) > 0) {
                last = t.updatedAt;
            }
        }
        int finished = completed + failed;
        double success = finished == 0 ? 100.0 : Math.round(10000.0 * completed / finished) / 100.0;
        double error = finished == 0 ? 0.0 : Math.round(10000.0 * failed / finished) / 100.0;
        return Json.obj("bridge_id", bridgeId, "source_chain", b[0], "target_chain", b[1], "status", "ACTIVE",
                "bridge_type", b[3],
                "health", Json.obj("uptime_seconds", node.uptimeSeconds(), "success_rate", success, "error_rate", error,
                        "average_latency_ms", Double.parseDouble(b[4]), "pending_transfers", pending, "stuck_transfers", stuck),
                "last_transfer", last);
    }

    /** Epoch seconds of the oldest in-flight transfer's creation (0 if none). */
    public synchronized double oldestPendingEpoch() {
        long oldest = 0;
        for (Transfer t : transfers.values()) {
            if (t.inFlight()) {
                long c = Instant.parse(t.createdAt).getEpochSecond();
                if (oldest == 0 || c < oldest) {
                    oldest = c;
                }
            }
        }
        return oldest;
    }

    public synchronized long count(String status) {
        return transfers.values().stream().filter(t -> status.equals(t.status)).count();
    }

    // ---------------------------------------------------------------- retry

    public synchronized Map<String, Object> retry(String id) {
        Transfer t = transfers.get(id);
        if (t == null) {
            throw new ApiException(404, Json.obj("error", "Transfer not found", "transferId", id,
                    "timestamp", System.currentTimeMillis()));
        }
        Instant now = Instant.now();
        if ("COMPLETED".equals(t.status) || "CANCELLED".equals(t.status)) {
            throw new ApiException(409, Json.obj("error", "Transfer is not retryable", "status", t.status,
                    "transferId", id));
        }
        if (t.inFlight() && !isStuck(t, now)) {
            throw new ApiException(409, Json.obj("error", "Transfer is not retryable", "status", t.status,
                    "transferId", id, "reason", "in flight for " + t.secondsSinceUpdate(now)
                            + " s, not stuck (threshold " + stuckSeconds + " s)"));
        }
        t.status = "PENDING";
        t.retryCount++;
        t.updatedAt = now.toString();
        t.retryRequestedAt = now.toString();
        t.completedAt = null;
        persist();
        LOG.infof("Transfer %s re-queued (retry %d)", id, t.retryCount);
        return Json.obj("transferId", id, "status", "PENDING", "retryCount", t.retryCount);
    }
}

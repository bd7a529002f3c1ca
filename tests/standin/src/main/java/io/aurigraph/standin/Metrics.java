package io.aurigraph.standin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/**
 * The runbook's application metrics, on top of the Micrometer JVM/HTTP families:
 * aurigraph_transactions_processed_total, aurigraph_transactions_failed_total,
 * aurigraph_transaction_duration_seconds (histogram), aurigraph_bridge_transaction_oldest_pending_timestamp,
 * aurigraph_bridge_transfers{status}, aurigraph_consensus_{term,commit_index,leader,cluster_size}.
 * Two families a real build does not export, for the runbook 002 alerts that need them (a real deployment gets
 * them from a textfile collector, see docs/monitoring.md): aurigraph_token_blacklist_size (blacklist entries) and
 * aurigraph_websocket_connections (open /ws/tokens connections).
 */
@ApplicationScoped
public class Metrics {
    @Inject
    MeterRegistry registry;
    @Inject
    BridgeService bridge;
    @Inject
    Node node;
    @Inject
    TokenService tokens;
    @Inject
    OpenConnections sockets;

    void onStart(@Observes @Priority(40) StartupEvent ev) {
        Counter processed = Counter.builder("aurigraph.transactions.processed").description("Transactions processed")
                .register(registry);
        Counter failed = Counter.builder("aurigraph.transactions.failed").description("Transactions failed")
                .register(registry);
        Timer duration = Timer.builder("aurigraph.transaction.duration").description("Transaction settlement time")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofSeconds(600)).register(registry);
        for (Transfer t : bridge.all()) {
            if ("COMPLETED".equals(t.status)) {
                processed.increment();
                if (t.completedAt != null) {
                    duration.record(Duration.between(Instant.parse(t.createdAt), Instant.parse(t.completedAt)));
                }
            } else if ("FAILED".equals(t.status)) {
                failed.increment();
            }
        }
        bridge.onSettled(t -> {
            if ("COMPLETED".equals(t.status)) {
                processed.increment();
            } else {
                failed.increment();
            }
            if (t.completedAt != null) {
                duration.record(Duration.between(Instant.parse(t.createdAt), Instant.parse(t.completedAt)));
            }
        });
        Gauge.builder("aurigraph.bridge.transaction.oldest.pending.timestamp", bridge, BridgeService::oldestPendingEpoch)
                .description("Creation time (epoch s) of the oldest in-flight bridge transfer, 0 if none").register(registry);
        for (String s : Transfer.STATUSES) {
            Gauge.builder("aurigraph.bridge.transfers", bridge, b -> b.count(s)).tag("status", s)
                    .description("Bridge transfers by status").register(registry);
        }
        Gauge.builder("aurigraph.consensus.term", () -> ConsensusResource.term()).register(registry);
        Gauge.builder("aurigraph.consensus.commit.index", node, ConsensusResource::commitIndex).register(registry);
        Gauge.builder("aurigraph.consensus.leader", node, n -> "LEADER".equals(ConsensusResource.state(n)) ? 1 : 0)
                .description("1 when this node is the leader").register(registry);
        Gauge.builder("aurigraph.consensus.cluster.size", () -> ConsensusResource.clusterSize()).register(registry);
        Gauge.builder("aurigraph.token.blacklist.size", tokens, Metrics::blacklistSize)
                .description("Token blacklist entries (NaN while the token store is unavailable)").register(registry);
        Gauge.builder("aurigraph.websocket.connections", sockets, s -> s.listAll().size())
                .description("Open /ws/tokens WebSocket connections").register(registry);
    }

    private static double blacklistSize(TokenService t) {
        try {
            return t.blacklistSize();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}

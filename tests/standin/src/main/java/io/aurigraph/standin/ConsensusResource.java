package io.aurigraph.standin;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GET /api/v11/consensus/status (public). nodeId from AURIGRAPH_NODE_ID (else the host name), leaderId from
 * AURIGRAPH_CONSENSUS_LEADER (default: this node), clusterSize from AURIGRAPH_CLUSTER_SIZE (default 1),
 * currentTerm from AURIGRAPH_CONSENSUS_TERM (default 1); state LEADER when leaderId == nodeId, else FOLLOWER,
 * unless AURIGRAPH_CONSENSUS_STATE forces one. With a cluster (AURIGRAPH_CLUSTER_DIR + AURIGRAPH_CLUSTER_NODES, see
 * {@link ClusterView}) leader, term, state and size come from the shared cluster view instead, and the answer
 * adds liveNodes (the members seen live) and quorum (whether a majority is live).
 */
@Path("/api/v11/consensus")
@Produces(MediaType.APPLICATION_JSON)
public class ConsensusResource {
    @Inject
    Node node;

    public static String leaderId(Node node) {
        ClusterView cluster = ClusterView.active();
        if (cluster != null) {
            return cluster.leaderId();
        }
        return Env.get("AURIGRAPH_CONSENSUS_LEADER", node.nodeId());
    }

    public static String state(Node node) {
        String forced = Env.get("AURIGRAPH_CONSENSUS_STATE");
        if (forced != null) {
            return forced.toUpperCase(Locale.ROOT);
        }
        ClusterView cluster = ClusterView.active();
        if (cluster != null) {
            return cluster.state();
        }
        return leaderId(node).equals(node.nodeId()) ? "LEADER" : "FOLLOWER";
    }

    public static long term() {
        ClusterView cluster = ClusterView.active();
        if (cluster != null) {
            return cluster.term();
        }
        return Env.getLong("AURIGRAPH_CONSENSUS_TERM", 1);
    }

    public static long commitIndex(Node node) {
        return 1000 + (long) (node.uptimeSecondsExact() * 50);
    }

    public static long clusterSize() {
        ClusterView cluster = ClusterView.active();
        if (cluster != null) {
            return cluster.clusterSize();
        }
        return Env.getLong("AURIGRAPH_CLUSTER_SIZE", 1);
    }

    @GET
    @Path("/status")
    public Map<String, Object> status() {
        ClusterView cluster = ClusterView.active();
        if (cluster != null) {
            List<String> live = cluster.live();
            return Json.obj("nodeId", node.nodeId(), "state", cluster.state(), "currentTerm", cluster.term(),
                    "commitIndex", commitIndex(node), "leaderId", cluster.leaderId(), "consensusLatency", 12.5,
                    "throughput", 1850000.0, "clusterSize", cluster.clusterSize(), "liveNodes", live,
                    "quorum", live.size() >= cluster.majority());
        }
        return Json.obj("nodeId", node.nodeId(), "state", state(node), "currentTerm", term(),
                "commitIndex", commitIndex(node), "leaderId", leaderId(node), "consensusLatency", 12.5,
                "throughput", 1850000.0, "clusterSize", clusterSize());
    }
}

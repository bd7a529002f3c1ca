package io.aurigraph.standin;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** A cross-chain bridge transfer. Times are ISO-8601 UTC strings. */
@RegisterForReflection
public class Transfer {
    public static final Set<String> STATUSES = Set.of("PENDING", "SIGNED", "APPROVED", "EXECUTING", "COMPLETED", "FAILED",
            "CANCELLED");
    public static final Set<String> IN_FLIGHT = Set.of("PENDING", "SIGNED", "APPROVED", "EXECUTING");

    public String transferId;
    public String bridgeId;
    public String fromChain;
    public String toChain;
    public String status;
    public String amount;
    public String tokenSymbol;
    public String sourceAddress;
    public String targetAddress;
    public String sourceTransactionHash;
    public String targetTransactionHash;
    public String errorCode;
    public String errorDetails;
    public String createdAt;
    public String updatedAt;
    public String completedAt;
    public int retryCount;
    /** Set while a retry is being processed (internal). */
    public String retryRequestedAt;
    /** Seeded with errorCode PERMANENT_FAILURE: every retry ends FAILED again (internal). */
    public boolean permanentFailure;

    public Transfer() {
    }

    public boolean inFlight() {
        return IN_FLIGHT.contains(status);
    }

    public long secondsSinceUpdate(Instant now) {
        return now.getEpochSecond() - Instant.parse(updatedAt).getEpochSecond();
    }

    public Map<String, Object> view() {
        return Json.obj("transferId", transferId, "bridgeId", bridgeId, "fromChain", fromChain, "toChain", toChain,
                "status", status, "amount", amount, "tokenSymbol", tokenSymbol, "sourceAddress", sourceAddress,
                "targetAddress", targetAddress, "sourceTransactionHash", sourceTransactionHash,
                "targetTransactionHash", targetTransactionHash, "errorCode", errorCode, "errorDetails", errorDetails,
                "createdAt", createdAt, "updatedAt", updatedAt, "completedAt", completedAt, "retryCount", retryCount);
    }
}

package io.aurigraph.standin;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Rolling-window request counter per client key (AURIGRAPH_RATE_LIMIT per AURIGRAPH_RATE_WINDOW_SECONDS). */
@ApplicationScoped
public class RateLimiter {
    private final long limit = Env.getLong("AURIGRAPH_RATE_LIMIT", 100);
    private final long windowMs = Env.getLong("AURIGRAPH_RATE_WINDOW_SECONDS", 3600) * 1000L;
    private final Map<String, Deque<Long>> hits = new HashMap<>();

    public long limit() {
        return limit;
    }

    /** Records a request; returns 0 when allowed, else the seconds until the oldest hit leaves the window. */
    public synchronized long acquire(String client) {
        long now = System.currentTimeMillis();
        Deque<Long> q = hits.computeIfAbsent(client, k -> new ArrayDeque<>());
        while (!q.isEmpty() && q.peekFirst() <= now - windowMs) {
            q.pollFirst();
        }
        if (limit > 0 && q.size() >= limit) {
            long retry = (q.peekFirst() + windowMs - now + 999) / 1000;
            return Math.max(1, retry);
        }
        q.addLast(now);
        return 0;
    }

    /** Clients with requests inside the current window. */
    public synchronized int activeClients() {
        long now = System.currentTimeMillis();
        int n = 0;
        Iterator<Map.Entry<String, Deque<Long>>> it = hits.entrySet().iterator();
        while (it.hasNext()) {
            Deque<Long> q = it.next().getValue();
            while (!q.isEmpty() && q.peekFirst() <= now - windowMs) {
                q.pollFirst();
            }
            if (q.isEmpty()) {
                it.remove();
            } else {
                n++;
            }
        }
        return n;
    }
}
